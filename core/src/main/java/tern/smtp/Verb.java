package tern.smtp;

import java.util.EnumSet;
import java.util.Set;

/**
 * The commands Tern understands and the phases in which each is allowed: the sequencing
 * rules of RFC 5321 4.1.4 (and RFC 3030 for BDAT) in one table, in the OpenSMTPD manner.
 * Checking that a command may come now is separate from carrying it out.
 */
public enum Verb {
    EHLO(EnumSet.allOf(SmtpPhase.class)),
    HELO(EnumSet.allOf(SmtpPhase.class)),
    MAIL(EnumSet.of(SmtpPhase.READY)),
    RCPT(EnumSet.of(SmtpPhase.MAIL_GIVEN, SmtpPhase.RCPT_GIVEN)),
    DATA(EnumSet.of(SmtpPhase.RCPT_GIVEN)),
    BDAT(EnumSet.of(SmtpPhase.RCPT_GIVEN, SmtpPhase.CHUNKING)),
    RSET(EnumSet.allOf(SmtpPhase.class)),
    NOOP(EnumSet.allOf(SmtpPhase.class)),
    QUIT(EnumSet.allOf(SmtpPhase.class)),
    VRFY(EnumSet.allOf(SmtpPhase.class)),
    HELP(EnumSet.allOf(SmtpPhase.class)),
    /** Known so that it is refused as not implemented (502), not as unknown (500). */
    EXPN(EnumSet.allOf(SmtpPhase.class)),
    /** RFC 1985; known so that it is refused as not implemented (502), not as unknown (500). */
    ETRN(EnumSet.allOf(SmtpPhase.class)),
    /** RFC 4954: after EHLO, outside a mail transaction. */
    AUTH(EnumSet.of(SmtpPhase.READY)),
    /** RFC 3207: after EHLO, outside a mail transaction. */
    STARTTLS(EnumSet.of(SmtpPhase.READY));

    private static final Verb[] VALUES = values();

    private final Set<SmtpPhase> allowedIn;
    private final int packed;

    Verb(Set<SmtpPhase> allowedIn) {
        this.allowedIn = allowedIn;
        this.packed = name().length() == 4 ? pack(name(), 0) : -1;
    }

    /**
     * Null when the command may come now, else the reply that refuses it. DATA or BDAT
     * after a MAIL whose recipients were all refused gets 554 "no valid recipients"
     * (RFC 5321 3.3), everything else out of turn 503 5.5.1.
     */
    public Reply refusalIn(SmtpPhase phase) {
        if (allowedIn.contains(phase)) {
            return null;
        }
        if ((this == DATA || this == BDAT) && phase == SmtpPhase.MAIL_GIVEN) {
            return Replies.NO_VALID_RECIPIENTS;
        }
        if (this == MAIL && (phase == SmtpPhase.MAIL_GIVEN || phase == SmtpPhase.RCPT_GIVEN
                || phase == SmtpPhase.CHUNKING)) {
            return Replies.NESTED_MAIL;
        }
        if (this == AUTH && phase != SmtpPhase.AWAITING_HELO) {
            return Replies.AUTH_NOT_DURING_MAIL;
        }
        if (this == DATA && phase == SmtpPhase.CHUNKING) {
            return Replies.DATA_AFTER_BDAT;
        }
        if (phase == SmtpPhase.AWAITING_HELO) {
            return Replies.HELO_FIRST;
        }
        return Replies.BAD_SEQUENCE;
    }

    /** Every verb but STARTTLS is four letters, so a verb is one int compare away. Null when unknown. */
    static Verb lookup(String line) {
        if (line.length() >= 8 && line.regionMatches(true, 0, "STARTTLS", 0, 8)
                && (line.length() == 8 || line.charAt(8) == ' ')) {
            return STARTTLS;
        }
        if (line.length() < 4 || (line.length() > 4 && line.charAt(4) != ' ')) {
            return null;
        }
        int key = pack(line, 0x20);
        for (Verb v : VALUES) {
            if (v.packed == key) {
                return v;
            }
        }
        return null;
    }

    // Upper-case by clearing bit 0x20 of letters only; a non-letter keeps its value and cannot
    // match an all-letter verb.
    private static int pack(String s, int caseBit) {
        int key = 0;
        for (int i = 0; i < 4; i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                c = (char) (c & ~caseBit);
            }
            key = (key << 8) | (c & 0xff);
        }
        return key;
    }
}
