package tern.dkim;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each header field of a message is, without copying it: the fields of the header
 * section in order, and where the body starts (after the empty line; the end of the
 * message when there is none).
 */
record HeaderFields(List<Field> fields, int bodyStart) {

    /** One field: {@code [start, end)} without its final CRLF; {@code nameEnd} at the colon or before blanks. */
    record Field(int start, int nameEnd, int end) {
        boolean named(byte[] m, String lowerName) {
            if (nameEnd - start != lowerName.length()) {
                return false;
            }
            for (int k = 0; k < lowerName.length(); k++) {
                if ((m[start + k] | 0x20) != lowerName.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    static HeaderFields of(byte[] m) {
        List<Field> fields = new ArrayList<>();
        int i = 0;
        int end = m.length;
        int fieldStart = -1;
        int nameEnd = -1;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && m[lineEnd] != '\n') {
                lineEnd++;
            }
            int contentEnd = lineEnd > i && m[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (contentEnd == i) { // the empty line
                if (fieldStart >= 0) {
                    fields.add(new Field(fieldStart, nameEnd, lastEnd(m, i)));
                }
                return new HeaderFields(fields, Math.min(lineEnd + 1, end));
            }
            byte first = m[i];
            if (first == ' ' || first == '\t') {
                // a continuation line of the field before
            } else {
                int colon = i;
                while (colon < contentEnd && m[colon] != ':') {
                    colon++;
                }
                if (colon == contentEnd) { // no field: the body begins without its empty line
                    if (fieldStart >= 0) {
                        fields.add(new Field(fieldStart, nameEnd, lastEnd(m, i)));
                    }
                    return new HeaderFields(fields, i);
                }
                if (fieldStart >= 0) {
                    fields.add(new Field(fieldStart, nameEnd, lastEnd(m, i)));
                }
                fieldStart = i;
                int n = colon;
                while (n > i && (m[n - 1] == ' ' || m[n - 1] == '\t')) {
                    n--;
                }
                nameEnd = n;
            }
            i = lineEnd + 1;
        }
        if (fieldStart >= 0) {
            fields.add(new Field(fieldStart, nameEnd, lastEnd(m, end)));
        }
        return new HeaderFields(fields, end);
    }

    /** The end of the field whose next line starts at {@code next}: before that line's preceding CRLF. */
    private static int lastEnd(byte[] m, int next) {
        int e = next;
        if (e > 0 && m[e - 1] == '\n') {
            e--;
        }
        if (e > 0 && m[e - 1] == '\r') {
            e--;
        }
        return e;
    }
}
