package tern.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.BytesOut;
import tern.envelope.Envelope;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.HandedOver;
import tern.journal.JournalEvent.RetryRequested;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.QueueId;

/**
 * The binary form of a {@link JournalEvent}: one Chronicle document per event,
 * {@code [format][type][fields...]}.
 *
 * <p>Why a format byte: the journal outlives the code that wrote it (seven days of
 * cycles, and a pending message is carried forward for longer). A later version adds
 * fields at the end of a type's layout and bumps {@link #FORMAT}; {@link #read} reads
 * the fields every known format has and the newer ones only {@code if (format >= n)},
 * so old cycles stay readable. A format newer than this code is refused loudly rather
 * than misread, because a misread envelope delivers mail to the wrong place.
 *
 * <p>Why not Chronicle's self-describing wire: field names in every record cost bytes
 * and time in the writer thread, which every 250 reply waits for. Numbers are stop-bit
 * encoded, strings are length-prefixed UTF-8 (null survives as length -1), and the
 * message bytes are copied once, straight into the mapped file.
 *
 * <p>Enums are written as fixed codes, never as {@code ordinal()}, so reordering an
 * enum in core cannot change the meaning of old records.
 *
 * <p>Formats: 1 wrote an outcome (Delivered, Deferred, Failed) as two strings, relay and
 * reply, which did not say who decided; 2 writes the {@link Outcome} in their place: a
 * remote server's reply with its host, or Tern's own decision with its reason code and
 * what led to it. Format 1 records are read as {@link Outcome#legacy}.
 */
public final class JournalCodec {

    /** The layout written by this code. */
    public static final byte FORMAT = 2;

    private static final byte[] NO_BYTES = new byte[0];

    /** Where {@link #read(BytesIn, SkippedMessage)} puts the size of the message bytes it skipped. */
    static final class SkippedMessage {
        int size;
    }

    private static final byte ACCEPTED = 1;
    private static final byte DELIVERED = 2;
    private static final byte DEFERRED = 3;
    private static final byte FAILED = 4;
    private static final byte DELAY_NOTIFIED = 5;
    private static final byte BADMAILED = 6;
    private static final byte RETRY_REQUESTED = 7;
    /** A type, not a format: a Tern without it refuses the record ("unknown type") rather than misread it. */
    private static final byte HANDED_OVER = 8;

    private JournalCodec() {
    }

    public static void write(JournalEvent event, BytesOut<?> out) {
        out.writeByte(FORMAT);
        switch (event) {
            case Accepted a -> {
                out.writeByte(ACCEPTED);
                EnvelopeCodec.writeEnvelope(a.envelope(), out);
                byte[] message = a.message();
                out.writeStopBit(message.length);
                writeBody(message, out);
            }
            case Delivered d -> {
                out.writeByte(DELIVERED);
                writeHead(d.id(), d.at(), out);
                out.writeUtf8(d.recipient());
                OutcomeCodec.writeOutcome(d.outcome(), out);
            }
            case Deferred d -> {
                out.writeByte(DEFERRED);
                writeHead(d.id(), d.at(), out);
                out.writeUtf8(d.recipient());
                OutcomeCodec.writeOutcome(d.outcome(), out);
                out.writeStopBit(d.attempts());
                writeInstant(d.nextAttempt(), out);
            }
            case Failed f -> {
                out.writeByte(FAILED);
                writeHead(f.id(), f.at(), out);
                out.writeUtf8(f.recipient());
                OutcomeCodec.writeOutcome(f.outcome(), out);
            }
            case DelayNotified n -> {
                out.writeByte(DELAY_NOTIFIED);
                writeHead(n.id(), n.at(), out);
                out.writeUtf8(n.recipient());
            }
            case Badmailed b -> {
                out.writeByte(BADMAILED);
                writeHead(b.id(), b.at(), out);
                out.writeUtf8(b.reason());
            }
            case RetryRequested r -> {
                out.writeByte(RETRY_REQUESTED);
                writeHead(r.id(), r.at(), out);
            }
            case HandedOver h -> {
                out.writeByte(HANDED_OVER);
                writeHead(h.id(), h.at(), out);
                out.writeStopBit(h.recipients().size());
                for (String recipient : h.recipients()) {
                    out.writeUtf8(recipient);
                }
                OutcomeCodec.writeOutcome(h.reply(), out);
            }
        }
    }

    /** Below this a body is copied by Chronicle directly; above it, through {@link DirectStage}. */
    static final int STAGED_BODY = 4096;
    /** Bodies above this (rare) are not staged, so no thread keeps a huge native buffer. */
    private static final int STAGE_AT_MOST = 4 << 20;
    private static final ThreadLocal<DirectStage> STAGE = new ThreadLocal<>();

    /**
     * Chronicle copies a heap array into mapped memory with a Java loop (on Java 9+ it never
     * takes the memcpy intrinsic for heap sources): for 50 KB bodies that loop was 60 % of the
     * journal writer's time. A copy between two native addresses does use the intrinsic, and so
     * does the JDK's put of an array into a direct buffer; two memcpys beat one loop.
     */
    private static void writeBody(byte[] message, BytesOut<?> out) {
        if (message.length < STAGED_BODY || message.length > STAGE_AT_MOST) {
            out.write(message);
            return;
        }
        DirectStage stage = STAGE.get();
        if (stage == null || stage.buffer.capacity() < message.length) {
            stage = new DirectStage(Math.max(message.length, 64 << 10));
            STAGE.set(stage);
        }
        stage.buffer.clear();
        stage.buffer.put(message);
        out.write(stage.store, 0L, (long) message.length);
    }

    /** A direct buffer and Chronicle's view of the same native memory, owned by one thread. */
    private static final class DirectStage {
        final ByteBuffer buffer;
        final BytesStore<?, ByteBuffer> store;

        DirectStage(int capacity) {
            buffer = ByteBuffer.allocateDirect(Math.min(STAGE_AT_MOST, Integer.highestOneBit(capacity - 1) << 1));
            store = BytesStore.wrap(buffer);
        }
    }

    public static JournalEvent read(BytesIn<?> in) {
        return read(in, null);
    }

    /**
     * Reads an event; with a {@code skipped} holder, an Accepted's message bytes are not read
     * but skipped (the event carries an empty message) and their count goes to the holder: a
     * start-up replay needs only the size, and copying a million bodies out of the journal
     * would cost a gigabyte of garbage.
     */
    static JournalEvent read(BytesIn<?> in, SkippedMessage skipped) {
        int format = in.readByte();
        if (format < 1 || format > FORMAT) {
            throw new IllegalStateException("journal record in format " + format
                    + ", this Tern reads formats 1 to " + FORMAT + ": upgrade Tern to read this journal");
        }
        byte type = in.readByte();
        return switch (type) {
            case ACCEPTED -> {
                Envelope envelope = EnvelopeCodec.readEnvelope(in);
                int length = Math.toIntExact(in.readStopBit());
                if (skipped != null) {
                    if (in.readRemaining() < length) {
                        throw new IllegalStateException(envelope.id() + ": message truncated in the journal: "
                                + in.readRemaining() + " of " + length + " bytes");
                    }
                    in.readSkip(length);
                    skipped.size = length;
                    yield new Accepted(envelope, NO_BYTES);
                }
                byte[] message = new byte[length];
                int got = in.read(message);
                if (got != message.length && message.length > 0) {
                    throw new IllegalStateException(envelope.id() + ": message truncated in the journal: "
                            + got + " of " + message.length + " bytes");
                }
                yield new Accepted(envelope, message);
            }
            case DELIVERED -> new Delivered(readId(in), readInstant(in), readString(in), OutcomeCodec.readOutcome(format, in));
            case DEFERRED -> new Deferred(readId(in), readInstant(in), readString(in), OutcomeCodec.readOutcome(format, in),
                    Math.toIntExact(in.readStopBit()), readInstant(in));
            case FAILED -> new Failed(readId(in), readInstant(in), readString(in), OutcomeCodec.readOutcome(format, in));
            case DELAY_NOTIFIED -> new DelayNotified(readId(in), readInstant(in), readString(in));
            case BADMAILED -> new Badmailed(readId(in), readInstant(in), readString(in));
            case RETRY_REQUESTED -> new RetryRequested(readId(in), readInstant(in));
            case HANDED_OVER -> {
                QueueId id = readId(in);
                Instant at = readInstant(in);
                int n = Math.toIntExact(in.readStopBit());
                List<String> recipients = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    recipients.add(readString(in));
                }
                if (!(OutcomeCodec.readOutcome(format, in) instanceof RemoteReply reply)) {
                    throw new IllegalStateException(id + ": a hand-over without the peer's reply");
                }
                yield new HandedOver(id, at, recipients, reply);
            }
            default -> throw new IllegalStateException("unknown journal event type " + type);
        };
    }

    /**
     * As {@link #read}, except that an Accepted comes with an empty message and its size in
     * {@code size[0]} (skipped, not copied): the queue tools list a million messages without
     * copying a gigabyte of bodies they never print.
     */
    public static JournalEvent readWithoutBody(BytesIn<?> in, long[] size) {
        SkippedMessage skipped = new SkippedMessage();
        JournalEvent event = read(in, skipped);
        size[0] = skipped.size;
        return event;
    }

    /**
     * The queue id if this record is an Accepted, else null, without reading the message
     * bytes: retention scans whole cycles for them.
     */
    public static QueueId acceptedId(BytesIn<?> in) {
        int format = in.readByte();
        if (format < 1 || format > FORMAT) {
            throw new IllegalStateException("journal record in format " + format);
        }
        return in.readByte() == ACCEPTED ? readId(in) : null;
    }

    /**
     * A string as {@code writeUtf8} wrote it: stop-bit length in UTF-8 bytes (-1 for null),
     * then the bytes. Chronicle's own {@code readUtf8} interns every string it reads
     * (hashing it into a pool), which cost 70 % of a replay; queue ids, addresses, relays and
     * replies are nearly all ASCII, which becomes a String straight from the bytes. Anything
     * else is read again by Chronicle's decoder, the one that matches its encoder exactly.
     */
    static String readString(BytesIn<?> in) {
        long start = in.readPosition();
        long length = in.readStopBit();
        if (length < 0) {
            return null;
        }
        if (length == 0) {
            return "";
        }
        byte[] buffer = scratch((int) length);
        int n = (int) length;
        if (in.read(buffer, 0, n) != n) {
            throw new IllegalStateException("journal record truncated inside a string");
        }
        for (int i = 0; i < n; i++) {
            if (buffer[i] < 0) {
                in.readPosition(start);
                return in.readUtf8();
            }
        }
        return new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

    private static byte[] scratch(int length) {
        byte[] buffer = SCRATCH.get();
        if (buffer.length < length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
            SCRATCH.set(buffer);
        }
        return buffer;
    }

    private static void writeHead(QueueId id, Instant at, BytesOut<?> out) {
        out.writeUtf8(id.value());
        writeInstant(at, out);
    }

    static QueueId readId(BytesIn<?> in) {
        return new QueueId(readString(in));
    }

    static void writeInstant(Instant at, BytesOut<?> out) {
        out.writeStopBit(at.getEpochSecond());
        out.writeStopBit(at.getNano());
    }

    static Instant readInstant(BytesIn<?> in) {
        long seconds = in.readStopBit();
        return Instant.ofEpochSecond(seconds, in.readStopBit());
    }

}
