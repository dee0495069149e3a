package tern.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads CRLF (or bare LF) terminated lines straight out of its own buffer, without
 * making a String per line: after {@link #next()} the line is {@code buffer()[start()..end())},
 * valid until the next call. A line longer than the buffer comes out in pieces; only the
 * first piece has {@link #atLineStart()} set, which is what the end-of-data check needs.
 */
public final class LineReader {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private int start;
    private int end;
    private boolean lineStart = true;
    private boolean pieceStartsLine;
    private boolean complete;

    public LineReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[bufferSize];
    }

    /**
     * Moves to the next line (or the next piece of an overlong line).
     * @throws EOFException when the peer closed the connection
     */
    public void next() throws IOException {
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    end = (i > pos && buf[i - 1] == '\r') ? i - 1 : i;
                    pos = i + 1;
                    pieceStartsLine = lineStart;
                    lineStart = true;
                    complete = true;
                    return;
                }
            }
            if (pos == 0 && limit == buf.length) {
                // no LF in a full buffer: hand out all but a trailing CR as one piece
                int cut = buf[limit - 1] == '\r' ? limit - 1 : limit;
                start = 0;
                end = cut;
                pos = cut;
                pieceStartsLine = lineStart;
                lineStart = false;
                complete = false;
                return;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            throw new EOFException("connection closed by peer");
        }
        limit += n;
    }

    public byte[] buffer() {
        return buf;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    /** Whether this piece begins a line (false for the continuation of an overlong line). */
    public boolean atLineStart() {
        return pieceStartsLine;
    }

    /** Whether this piece ends its line. */
    public boolean complete() {
        return complete;
    }

    /** Bytes already read from the socket and not yet handed out: the peer pipelined. */
    public int buffered() {
        return limit - pos;
    }

    /** The current line as text, for the rare places that need one (EHLO, addresses, errors). */
    public String text() {
        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }

    public String text(int from) {
        int s = Math.min(start + from, end);
        return new String(buf, s, end - s, StandardCharsets.ISO_8859_1);
    }
}
