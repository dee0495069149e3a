package tern.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ByteProcessor;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * Cuts the client's bytes into what {@link SmtpProtocol} acts on: command lines, the text of
 * a DATA message up to CRLF "." CRLF (through {@link MessageText}, which unstuffs dots and
 * checks lines), and BDAT chunks of the announced size.
 *
 * <p>It reads as far as the protocol lets it. While a message is with the spool or a password
 * is being checked ({@link Input#COMMITTING}, {@link Input#AUTHENTICATING}) it reads nothing
 * and keeps pipelined input in its buffer, and picks up where it stopped on {@link #resume}.
 * Everything is one event loop's, in the order the bytes came, so with PIPELINING the replies
 * leave in command order by construction.
 *
 * <p>Command lines end with CRLF and nothing else; a bare CR or LF, a NUL or bad UTF-8 in one
 * is refused (500/501) and the session goes on. A line longer than {@link #MAX_COMMAND_LINE}
 * ends the session: skipping to its end would let a client that never sends CRLF keep the
 * session reading for ever.
 */
final class SmtpFramer extends ChannelInboundHandlerAdapter {

    static final String NAME = "tern.framer";
    /**
     * The longest command line read, with its CRLF. RFC 5321 4.5.3.1.4 makes 512 octets the
     * least a server must accept and lets extensions raise it (SMTPUTF8 addresses, DSN and
     * SIZE parameters, an AUTH initial response); 2048 is Postfix's {@code line_length_limit}.
     */
    static final int MAX_COMMAND_LINE = 2048;

    /** What the next input bytes are. */
    enum Input {
        COMMAND,
        DATA,
        CHUNK,
        /** A message is with the spool (or waits for the reverse-DNS verdict); input waits in the buffer. */
        COMMITTING,
        /** A password is being checked off the loop, or a failed AUTH's answer is held back. */
        AUTHENTICATING,
        CLOSED
    }

    /** What the framer hands on: a sealed set, so the protocol's switch covers every case. */
    sealed interface Framed {
    }

    /** A command line without its CRLF. */
    record Line(String text) implements Framed {
    }

    /** A command line that cannot be a command; {@code fatal}: the session ends with the reply. */
    record BadLine(Reply reply, boolean fatal) implements Framed {
    }

    /** The DATA text ended with CRLF "." CRLF. */
    record DataEnded() implements Framed {
    }

    /** The announced BDAT chunk is all read. */
    record ChunkEnded() implements Framed {
    }

    private static final DataEnded DATA_ENDED = new DataEnded();
    private static final ChunkEnded CHUNK_ENDED = new ChunkEnded();
    private static final BadLine LINE_TOO_LONG = new BadLine(Replies.LINE_TOO_LONG, true);
    private static final BadLine BARE_NEWLINE = new BadLine(Replies.BARE_NEWLINE_IN_COMMAND, false);
    private static final BadLine NUL = new BadLine(Replies.NUL_IN_COMMAND, false);
    private static final BadLine NOT_UTF8 = new BadLine(Replies.SYNTAX_ERROR.withText("Command line is not valid UTF-8"), false);
    /** Stops at a byte a command line may not carry as it is: CR, LF, NUL, or one of UTF-8. */
    private static final ByteProcessor PLAIN_ASCII = c -> c != '\r' && c != '\n' && c != 0 && c > 0;

    private ChannelHandlerContext ctx;
    private ByteBuf input;
    private Input mode = Input.COMMAND;
    /** The client closed its sending side: finish what is in hand, then close. */
    private boolean inputEnded;
    private MessageText text;
    private long chunkRemaining;
    /** Check the chunk's lines like DATA lines (not for BINARYMIME); null text: drop the chunk. */
    private boolean chunkLines;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    Input mode() {
        return mode;
    }

    /** The next bytes are message text, up to CRLF "." CRLF. */
    void expectData(MessageText text) {
        this.text = text;
        mode = Input.DATA;
    }

    /** The next {@code size} bytes are a chunk; {@code text} null: read and drop them. */
    void expectChunk(long size, MessageText text, boolean checkLines) {
        this.text = text;
        this.chunkRemaining = size;
        this.chunkLines = checkLines;
        mode = Input.CHUNK;
    }

    /** Back to command lines (after a chunk of no bytes). */
    void expectCommand() {
        mode = Input.COMMAND;
    }

    /** Read nothing until {@link #resume}: a commit or a password check is under way. */
    void hold(Input waiting) {
        mode = waiting;
        ctx.channel().config().setAutoRead(false);
    }

    /** Reads on from where {@link #hold} stopped, then closes if the client has said all it will. */
    void resume() {
        mode = Input.COMMAND;
        ctx.channel().config().setAutoRead(true);
        process();
        ctx.flush();
        closeIfInputEnded();
    }

    /** Whatever the client pipelined is dropped unread (after STARTTLS); the number of octets. */
    int discardPipelined() {
        int pipelined = input == null ? 0 : input.readableBytes();
        if (pipelined > 0) {
            input.skipBytes(pipelined);
        }
        return pipelined;
    }

    /** Writes what is queued, then closes the connection. */
    void closeAfterFlush() {
        mode = Input.CLOSED;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Reads nothing more (the connection is closing). */
    void stop() {
        mode = Input.CLOSED;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (mode == Input.CLOSED) {
            bytes.release();
            return;
        }
        input = input == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), input, bytes);
        process();
    }

    private void process() {
        while (input != null && input.isReadable()) {
            Framed framed = switch (mode) {
                case COMMAND -> readCommand();
                case DATA -> text.readData(input) ? DATA_ENDED : null;
                case CHUNK -> readChunk();
                case COMMITTING, AUTHENTICATING, CLOSED -> null;
            };
            if (framed == null) {
                break;
            }
            if (framed == DATA_ENDED || framed == CHUNK_ENDED) {
                mode = Input.COMMAND;
            }
            ctx.fireChannelRead(framed);
        }
        if (input != null) {
            if (input.isReadable() && mode != Input.CLOSED) {
                input.discardSomeReadBytes();
            } else {
                releaseInput();
            }
        }
    }

    /** One CRLF-terminated command line if it is all there; null when it is not. */
    private Framed readCommand() {
        ByteBuf b = input;
        int start = b.readerIndex();
        int available = b.readableBytes();
        int limit = start + Math.min(available, MAX_COMMAND_LINE);
        int lf = b.indexOf(start, limit, (byte) '\n');
        while (lf >= 0 && (lf == start || b.getByte(lf - 1) != '\r')) {
            lf = b.indexOf(lf + 1, limit, (byte) '\n'); // a bare LF is not a line end
        }
        if (lf < 0) {
            return available >= MAX_COMMAND_LINE ? LINE_TOO_LONG : null;
        }
        int length = lf - 1 - start;
        b.readerIndex(lf + 1);
        // The usual line is plain ASCII: read it straight from the buffer, no copy in between.
        int stop = length == 0 ? -1 : b.forEachByte(start, length, PLAIN_ASCII);
        if (stop < 0) {
            return new Line(b.toString(start, length, StandardCharsets.ISO_8859_1));
        }
        boolean ascii = true;
        for (int i = stop; i < start + length; i++) {
            byte c = b.getByte(i);
            if (c == '\r' || c == '\n') {
                return BARE_NEWLINE;
            }
            if (c == 0) {
                return NUL;
            }
            if (c < 0) {
                ascii = false;
            }
        }
        if (ascii) {
            return new Line(b.toString(start, length, StandardCharsets.ISO_8859_1));
        }
        try {
            return new Line(StandardCharsets.UTF_8.newDecoder().decode(b.nioBuffer(start, length)).toString());
        } catch (CharacterCodingException e) {
            return NOT_UTF8;
        }
    }

    /**
     * Consumes BDAT chunk bytes. Chunks are taken as they are (RFC 3030: no dot-stuffing);
     * unless the body is BINARYMIME, their lines are checked like DATA lines.
     */
    private Framed readChunk() {
        ByteBuf b = input;
        int n = (int) Math.min(chunkRemaining, b.readableBytes());
        int start = b.readerIndex();
        if (text != null) {
            text.chunk(b, start, n, chunkLines);
        }
        b.readerIndex(start + n);
        chunkRemaining -= n;
        return chunkRemaining == 0 ? CHUNK_ENDED : null;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        // A client that pipelines without reading its replies must not make us buffer them
        // without bound: stop reading until the replies have drained.
        if (!ctx.channel().isWritable() && mode != Input.CLOSED) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && (mode == Input.COMMAND || mode == Input.DATA || mode == Input.CHUNK)) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // Reactor Netty allows half-closed connections; a client that has nothing more to say
            // gets the answers to what it sent (a message at the spool still gets its 250) and
            // then the close, instead of a session that waits for the idle timeout.
            inputEnded = true;
            closeIfInputEnded();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void closeIfInputEnded() {
        // A held-back AUTH answer is not worth waiting for (nor is it owed to a guesser); a 250 is.
        if (inputEnded && mode != Input.CLOSED && mode != Input.COMMITTING) {
            releaseInput();
            closeAfterFlush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        mode = Input.CLOSED;
        releaseInput();
        ctx.fireChannelInactive();
    }

    private void releaseInput() {
        if (input != null) {
            input.release();
            input = null;
        }
    }
}
