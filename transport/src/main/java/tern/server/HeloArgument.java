package tern.server;

import tern.smtp.Replies;
import tern.smtp.Reply;

/** The argument of EHLO or HELO: the client's name, or the reply that refuses it. */
final class HeloArgument {

    /** RFC 1035 2.3.4: a domain name is at most 255 octets; an EHLO argument no longer. */
    private static final int MAX_HELO_NAME = 255;

    private HeloArgument() {
    }

    /** Null when {@code arg} names the client acceptably (the name is its first word). */
    static Reply refusal(String arg, boolean ehlo) {
        if (arg.isEmpty()) {
            return Replies.SYNTAX_ERROR.withText(ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname");
        }
        if (name(arg).length() > MAX_HELO_NAME) {
            return Replies.SYNTAX_ERROR.withText("Host name longer than 255 octets");
        }
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c < 32 || c == 127) {
                return Replies.BAD_HELO_NAME;
            }
        }
        return null;
    }

    static String name(String arg) {
        int space = arg.indexOf(' ');
        return space < 0 ? arg : arg.substring(0, space);
    }
}
