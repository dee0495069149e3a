package tern.header;

import java.io.ByteArrayOutputStream;

/**
 * RFC 5321 4.4: the Return-Path field is written by the delivery that takes a message out of
 * SMTP, from the envelope's reverse-path. One the message already carries is somebody's claim,
 * not the envelope (a forged {@code Return-Path: <forged@evil.example>} would otherwise sit
 * next to ours, and a mail reader may pick the wrong one), so every such field goes first.
 */
public final class ReturnPathFields {
    private ReturnPathFields() {
    }

    private static final FieldName RETURN_PATH = new FieldName("Return-Path");

    /**
     * {@code message} without its Return-Path fields: each such line of the header section
     * (the name in any case) and its continuation lines. The same array when it has none,
     * which is the usual case, so nothing is copied then. The body is never looked at.
     */
    public static byte[] remove(byte[] message) {
        int end = message.length;
        ByteArrayOutputStream kept = null;
        int keptUpTo = 0; // message[keptUpTo, i) is still to be copied when kept != null
        int i = 0;
        while (i < end) {
            byte first = message[i];
            if (first == '\r' || first == '\n') {
                break; // the empty line: the body follows
            }
            int next = lineEnd(message, i, end);
            if (RETURN_PATH.startsLine(message, i, end)) {
                while (next < end && (message[next] == ' ' || message[next] == '\t')) {
                    next = lineEnd(message, next, end); // folded continuation of the same field
                }
                if (kept == null) {
                    kept = new ByteArrayOutputStream(message.length);
                }
                kept.write(message, keptUpTo, i - keptUpTo);
                keptUpTo = next;
            }
            i = next;
        }
        if (kept == null) {
            return message;
        }
        kept.write(message, keptUpTo, end - keptUpTo);
        return kept.toByteArray();
    }

    /** The index just after the LF that ends the line starting at {@code i}, or {@code end}. */
    private static int lineEnd(byte[] m, int i, int end) {
        while (i < end && m[i] != '\n') {
            i++;
        }
        return i < end ? i + 1 : end;
    }
}
