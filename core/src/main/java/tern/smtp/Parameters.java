package tern.smtp;

import java.util.Locale;

/**
 * Walks the ESMTP parameters after a path: {@code *(SP esmtp-keyword ["=" esmtp-value])}
 * (RFC 5321 4.1.2). The keyword is upper-cased; the value is as given, or null.
 */
final class Parameters {

    /** The longest value any parameter has (ORCPT: 500); anything longer is an attack or a bug. */
    static final int MAX_VALUE = 500;

    private final String text;
    private int pos;
    private String keyword;
    private String value;

    Parameters(String text, int afterPath) {
        this.text = text;
        this.pos = afterPath;
    }

    boolean next() throws SmtpRejection {
        if (pos >= text.length()) {
            return false;
        }
        if (text.charAt(pos) != ' ') {
            throw new SmtpRejection(Replies.SYNTAX_ERROR.withText("Expected a space after the address"));
        }
        pos = skipSpaces(text, pos);
        if (pos >= text.length()) {
            return false;
        }
        int end = text.indexOf(' ', pos);
        if (end < 0) {
            end = text.length();
        }
        int eq = text.indexOf('=', pos);
        int keyEnd = eq >= 0 && eq < end ? eq : end;
        if (keyEnd == pos) {
            throw bad("Empty parameter keyword");
        }
        for (int i = pos; i < keyEnd; i++) {
            if (!isKeywordChar(text.charAt(i))) {
                throw bad("Bad parameter keyword");
            }
        }
        keyword = text.substring(pos, keyEnd).toUpperCase(Locale.ROOT);
        if (keyEnd < end) {
            value = text.substring(keyEnd + 1, end);
            if (value.length() > MAX_VALUE) {
                throw bad("Parameter value too long");
            }
            int quotes = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '=' || (c < 33 || c == 127)) {
                    throw bad("Bad parameter value");
                }
                if (c == '"') {
                    quotes++;
                }
            }
            // No SMTP parameter quotes its value; an odd quote is a parser-confusion attempt.
            if ((quotes & 1) != 0) {
                throw bad("Unbalanced quote in parameter value");
            }
            if (value.isEmpty()) {
                throw bad("Empty parameter value");
            }
        } else {
            value = null;
        }
        pos = end;
        return true;
    }

    String keyword() {
        return keyword;
    }

    String value() {
        return value;
    }

    static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    static boolean isKeywordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    static void once(boolean seenBefore) throws SmtpRejection {
        if (seenBefore) {
            throw bad("Parameter given twice");
        }
    }

    static String required(String value) throws SmtpRejection {
        if (value == null) {
            throw bad("Parameter needs a value");
        }
        return value;
    }

    static long number(String value) throws SmtpRejection {
        String v = required(value);
        if (v.length() > 18) {
            throw bad("Number too large");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw bad("Expected a number");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static SmtpRejection bad(String why) {
        return new SmtpRejection(Replies.SYNTAX_ERROR.withText(why));
    }
}
