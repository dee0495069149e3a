package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * The framing of a message's text as it arrives: DATA's lines up to CRLF "." CRLF, with
 * dot-unstuffing (RFC 5321 4.5.2), or BDAT's chunks taken as they are (RFC 3030). The bytes go
 * into a {@link MessageContent}; what is wrong with them is noted, never acted on here: the
 * session reads the message to its end either way and then refuses it with {@link #refusal}.
 *
 * <p>Line endings. Message text lines end with CRLF and nothing else. A bare CR or LF never
 * ends a line, so it can never end the data either: only CRLF "." CRLF does. A message
 * carrying one is read to its real end and then refused with 554 5.6.0, never stored:
 * normalising bare LF to CRLF (as some servers do) would hand a different message onward than
 * the one a downstream server with other rules would see, which is what SMTP smuggling
 * exploits. Rejecting is also what Postfix's {@code smtpd_forbid_bare_newline} does.
 *
 * <p>One per session, used on its event loop only.
 */
final class MessageText {

    /** RFC 5321 4.5.3.1.6: a text line is at most 1000 octets with its CRLF. */
    static final int MAX_TEXT_LINE = 998;

    /** Where the text stands within a line: enough to find CRLF "." CRLF across reads. */
    private enum State { LINE_START, IN_LINE, CR, DOT, DOT_CR }

    private final MessageContent content;
    private final long maxMessageSize;

    private State state = State.LINE_START;
    private int lineLength;
    private boolean tooLarge;
    private boolean bareNewline;
    private boolean lineTooLong;

    MessageText(MessageContent content, long maxMessageSize) {
        this.content = content;
        this.maxMessageSize = maxMessageSize;
    }

    /** A new message; {@code dotStuffed} for DATA, not for BDAT. */
    void start(boolean dotStuffed) {
        state = dotStuffed ? State.LINE_START : State.IN_LINE;
        tooLarge = false;
        bareNewline = false;
        lineTooLong = false;
        lineLength = 0;
    }

    boolean tooLarge() {
        return tooLarge;
    }

    /** Why the message must be refused once read to its end; null when it may be stored. */
    Reply refusal() {
        return tooLarge ? Replies.MESSAGE_TOO_LARGE
                : bareNewline ? Replies.BARE_NEWLINE_IN_DATA
                : lineTooLong ? Replies.TEXT_LINE_TOO_LONG
                : content.failed() ? Replies.JOURNAL_UNAVAILABLE
                : null;
    }

    /**
     * Consumes DATA bytes up to and including CRLF "." CRLF, unstuffing dots. True when the
     * end was found (the reader index is then just past it); false when {@code b} is used up.
     */
    boolean readData(ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        while (i < end) {
            switch (state) {
                case LINE_START -> {
                    lineLength = 0;
                    if (b.getByte(i) == '.') {
                        state = State.DOT;
                        lineLength = 1;
                        i++;
                    } else {
                        state = State.IN_LINE;
                    }
                }
                case IN_LINE -> {
                    int stop = b.forEachByte(i, end - i, ByteProcessor.FIND_CRLF);
                    int runEnd = stop < 0 ? end : stop;
                    store(b, i, runEnd - i);
                    lineLength += runEnd - i;
                    i = runEnd;
                    if (stop >= 0) {
                        if (b.getByte(stop) == '\r') {
                            state = State.CR;
                        } else {
                            bareNewline = true; // a bare LF: not a line end, and the message is refused
                        }
                        i++;
                    }
                }
                case CR -> {
                    if (b.getByte(i) == '\n') {
                        endOfLine();
                        state = State.LINE_START;
                        i++;
                    } else {
                        bareNewline = true; // a bare CR
                        state = State.IN_LINE;
                    }
                }
                case DOT -> {
                    if (b.getByte(i) == '\r') {
                        state = State.DOT_CR;
                        i++;
                    } else {
                        state = State.IN_LINE; // RFC 5321 4.5.2: drop the first of a line's dots
                    }
                }
                case DOT_CR -> {
                    if (b.getByte(i) == '\n') {
                        b.readerIndex(i + 1);
                        return true;
                    }
                    bareNewline = true;
                    state = State.IN_LINE;
                }
            }
        }
        b.readerIndex(end);
        return false;
    }

    /**
     * {@code n} bytes of a BDAT chunk, stored as they are; unless the body is binary
     * ({@code checkLines} false for BINARYMIME), their lines are checked like DATA lines.
     */
    void chunk(ByteBuf b, int start, int n, boolean checkLines) {
        if (checkLines) {
            boolean sawCr = state == State.CR;
            for (int i = start; i < start + n; i++) {
                byte c = b.getByte(i);
                if (sawCr) {
                    if (c != '\n') {
                        bareNewline = true;
                    } else {
                        if (lineLength > MAX_TEXT_LINE) {
                            lineTooLong = true;
                        }
                        lineLength = -1;
                    }
                } else if (c == '\n') {
                    bareNewline = true;
                }
                sawCr = c == '\r';
                if (!sawCr) {
                    lineLength++;
                }
            }
            state = sawCr ? State.CR : State.IN_LINE;
        }
        store(b, start, n);
    }

    /** The last chunk is in: a message that ends on a lone CR carries a bare CR. */
    void lastChunkEnded(boolean checkLines) {
        if (checkLines && state == State.CR) {
            bareNewline = true;
        }
    }

    private void store(ByteBuf b, int index, int count) {
        if (count == 0 || tooLarge || bareNewline || lineTooLong) {
            return; // once refused, keep reading to the end but store nothing
        }
        if (content.length() + count > maxMessageSize) {
            tooLarge = true;
            return;
        }
        content.append(b, index, count);
    }

    private void endOfLine() {
        if (lineLength > MAX_TEXT_LINE) {
            lineTooLong = true;
        }
        if (tooLarge || bareNewline || lineTooLong) {
            return;
        }
        if (content.length() + 2 > maxMessageSize) {
            tooLarge = true;
            return;
        }
        content.appendCrlf();
    }
}
