package tern.submission;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The header section of a message (RFC 5322 2.2) as byte ranges of the message: each field
 * with its continuation lines, and where the section ends. It ends at the empty line, or at
 * the first line that is neither a field nor a continuation (a message some program wrote
 * without the empty line); what follows is the body, kept byte for byte.
 *
 * <p>The message must have CRLF line ends ({@link LineEnds#crlf}).
 */
final class HeaderSection {

    /** One field: its name, and {@code [start, end)} of the message, CRLF of its last line included. */
    record Field(String name, int start, int end) {
        boolean is(String other) {
            return name.equalsIgnoreCase(other);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] message;
    private final List<Field> fields;
    private final int end;

    private HeaderSection(byte[] message, List<Field> fields, int end) {
        this.message = message;
        this.fields = List.copyOf(fields);
        this.end = end;
    }

    static HeaderSection parse(byte[] message) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        String name = null;
        int start = -1;
        while (i < message.length) {
            int eol = lineEnd(message, i);
            if (eol == i) {
                break; // the empty line
            }
            byte first = message[i];
            if ((first == ' ' || first == '\t') && name != null) {
                i = eol + 2; // a continuation of the field before
                continue;
            }
            int colon = nameEnd(message, i, eol);
            if (colon < 0) {
                break; // not a field: the body starts here, without the empty line
            }
            if (name != null) {
                fields.add(new Field(name, start, i));
            }
            name = new String(message, i, colon - i, StandardCharsets.US_ASCII).strip();
            start = i;
            i = Math.min(eol + 2, message.length);
        }
        if (name != null) {
            fields.add(new Field(name, start, i));
        }
        return new HeaderSection(message, fields, i);
    }

    /** Index of the CR of the line starting at {@code i} (or the message's end when it has none). */
    private static int lineEnd(byte[] m, int i) {
        for (int j = i; j + 1 < m.length; j++) {
            if (m[j] == '\r' && m[j + 1] == '\n') {
                return j;
            }
        }
        return m.length;
    }

    /** The colon after a field name of printable ASCII (blanks before the colon allowed, RFC 5322 obs), or -1. */
    private static int nameEnd(byte[] m, int i, int eol) {
        int j = i;
        while (j < eol && m[j] > 32 && m[j] < 127 && m[j] != ':') {
            j++;
        }
        if (j == i) {
            return -1;
        }
        int k = j;
        while (k < eol && (m[k] == ' ' || m[k] == '\t')) {
            k++;
        }
        return k < eol && m[k] == ':' ? k : -1;
    }

    List<Field> fields() {
        return fields;
    }

    /** Where the header section ends: the empty line, or the first body line when there is none. */
    int end() {
        return end;
    }

    boolean has(String name) {
        return fields.stream().anyMatch(f -> f.is(name));
    }

    /** Every value of the fields named {@code name}, unfolded and stripped, in order. */
    List<String> values(String name) {
        return fields.stream().filter(f -> f.is(name)).map(this::value).toList();
    }

    Optional<String> first(String name) {
        return fields.stream().filter(f -> f.is(name)).findFirst().map(this::value);
    }

    /** The text after the colon, unfolded (RFC 5322 2.2.3: CRLF before a blank is removed). */
    String value(Field f) {
        String raw = new String(message, f.start(), f.end() - f.start(), StandardCharsets.UTF_8);
        String unfolded = raw.replace("\r\n", "");
        return unfolded.substring(unfolded.indexOf(':') + 1).strip();
    }

    /** Whether any field has an octet outside ASCII (RFC 6532 header fields need SMTPUTF8). */
    boolean hasNonAscii() {
        for (int i = 0; i < end; i++) {
            if (message[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The message without the fields named in {@code remove} (any case), with {@code append}
     * (whole fields with their CRLFs) at the end of the header section; the body unchanged.
     */
    byte[] rewrite(Set<String> remove, String append) {
        Set<String> lower = remove.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + append.length());
        for (Field f : fields) {
            if (!lower.contains(f.name().toLowerCase(Locale.ROOT))) {
                out.write(message, f.start(), f.end() - f.start());
            }
        }
        out.writeBytes(append.getBytes(StandardCharsets.UTF_8));
        if (end < message.length && message[end] != '\r') {
            out.writeBytes(CRLF); // a body that followed the fields without the empty line gets it
        }
        out.write(message, end, message.length - end);
        return out.toByteArray();
    }
}
