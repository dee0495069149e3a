package tern.envelope;

/** RFC 3461 RET: how much of the message a DSN returns. */
public enum Ret {
    FULL, HDRS
}
