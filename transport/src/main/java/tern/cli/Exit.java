package tern.cli;

/** The process exit codes; the numbers from sysexits.h where one fits. */
public final class Exit {
    private Exit() {
    }

    public static final int OK = 0;
    /** The command ran and failed (e.g. the server could not be reached). */
    public static final int FAILURE = 1;
    /** The command exists but its machinery is not wired into this build yet. */
    public static final int NOT_AVAILABLE = 2;
    /** EX_USAGE: wrong arguments. */
    public static final int USAGE = 64;
    /** EX_UNAVAILABLE: what was asked about cannot be reached (tern route: the domain takes no mail). */
    public static final int UNAVAILABLE = 69;
    /** EX_SOFTWARE: a bug in tern. */
    public static final int SOFTWARE = 70;
    /** EX_TEMPFAIL: a temporary failure; trying again later may succeed (tern route: DNS failed for now). */
    public static final int TEMPFAIL = 75;
    /** EX_CONFIG: the configuration file is wrong. */
    public static final int CONFIG = 78;
}
