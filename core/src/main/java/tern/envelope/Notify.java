package tern.envelope;

/** RFC 3461 NOTIFY values. NEVER excludes the others. */
public enum Notify {
    SUCCESS, FAILURE, DELAY, NEVER
}
