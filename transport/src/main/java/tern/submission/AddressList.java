package tern.submission;

import java.util.ArrayList;
import java.util.List;
import tern.address.AddressParser;
import tern.address.InvalidAddressException;
import tern.address.Mailbox;

/**
 * The mailboxes of an address-list header field (To, Cc, Bcc, From; RFC 5322 3.4):
 * {@code "Doe, John" <john@example.test>, jane@example.test (Jane), team: a@x.test, b@x.test;}
 * gives john, jane, a and b. Display names, comments and group names are dropped; what is
 * left of each address must be a mailbox as SMTP writes it, or it is reported as not one.
 */
final class AddressList {

    /** The mailboxes found, and the entries that were not addresses (as written). */
    record Parsed(List<Mailbox> mailboxes, List<String> invalid) {
        Parsed {
            mailboxes = List.copyOf(mailboxes);
            invalid = List.copyOf(invalid);
        }
    }

    private AddressList() {
    }

    static Parsed parse(String value) {
        List<Mailbox> mailboxes = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String spec : addrSpecs(value)) {
            try {
                mailboxes.add(AddressParser.parseMailbox("<" + spec + ">", true));
            } catch (InvalidAddressException e) {
                invalid.add(spec);
            }
        }
        return new Parsed(mailboxes, invalid);
    }

    /** One mailbox given alone (a command-line argument, an x-receiver line), with or without brackets. */
    static Mailbox mailbox(String text) throws InvalidAddressException {
        Parsed parsed = parse(text);
        if (parsed.mailboxes().size() != 1 || !parsed.invalid().isEmpty()) {
            throw new InvalidAddressException("not one address: " + text);
        }
        return parsed.mailboxes().getFirst();
    }

    /**
     * The address of each entry: what is inside its angle brackets, else the entry without
     * comments and blanks outside quotes. Empty entries (", ,", an empty group) give nothing.
     */
    static List<String> addrSpecs(String value) {
        List<String> specs = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        String angle = null;
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> {
                    int close = quotedEnd(value, i);
                    plain.append(value, i, close);
                    i = close;
                    continue;
                }
                case '(' -> {
                    i = commentEnd(value, i);
                    continue;
                }
                case '[' -> {
                    int close = value.indexOf(']', i);
                    close = close < 0 ? n : close + 1;
                    plain.append(value, i, close);
                    i = close;
                    continue;
                }
                case '<' -> {
                    int close = angleEnd(value, i);
                    angle = value.substring(i + 1, Math.max(i + 1, close - 1)).strip();
                    i = close;
                    continue;
                }
                case ':' -> plain.setLength(0); // a group's name (or a stray colon): not an address
                case ',', ';' -> {
                    add(specs, plain, angle);
                    angle = null;
                }
                case ' ', '\t', '\r', '\n' -> {
                    // blanks between words of a display name, or around the address
                }
                default -> plain.append(c);
            }
            i++;
        }
        add(specs, plain, angle);
        return specs;
    }

    private static void add(List<String> specs, StringBuilder plain, String angle) {
        String spec = angle != null ? angle : plain.toString();
        if (!spec.isEmpty()) {
            specs.add(spec);
        }
        plain.setLength(0);
    }

    private static int quotedEnd(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return s.length();
    }

    private static int commentEnd(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return s.length();
    }

    private static int angleEnd(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                i = quotedEnd(s, i) - 1;
            } else if (c == '>') {
                return i + 1;
            }
        }
        return s.length();
    }
}
