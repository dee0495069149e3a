package tern.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.BytesOut;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.journal.JournalEvent.Accepted;
import tern.journal.JournalEvent.Badmailed;
import tern.journal.JournalEvent.DelayNotified;
import tern.journal.JournalEvent.Deferred;
import tern.journal.JournalEvent.Delivered;
import tern.journal.JournalEvent.Failed;
import tern.journal.JournalEvent.HandedOver;
import tern.journal.JournalEvent.RetryRequested;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.QueueId;
import tern.smtp.Reply;

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
                writeEnvelope(a.envelope(), out);
                byte[] message = a.message();
                out.writeStopBit(message.length);
                writeBody(message, out);
            }
            case Delivered d -> {
                out.writeByte(DELIVERED);
                writeHead(d.id(), d.at(), out);
                out.writeUtf8(d.recipient());
                writeOutcome(d.outcome(), out);
            }
            case Deferred d -> {
                out.writeByte(DEFERRED);
                writeHead(d.id(), d.at(), out);
                out.writeUtf8(d.recipient());
                writeOutcome(d.outcome(), out);
                out.writeStopBit(d.attempts());
                writeInstant(d.nextAttempt(), out);
            }
            case Failed f -> {
                out.writeByte(FAILED);
                writeHead(f.id(), f.at(), out);
                out.writeUtf8(f.recipient());
                writeOutcome(f.outcome(), out);
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
                writeOutcome(h.reply(), out);
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
                Envelope envelope = readEnvelope(in);
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
            case DELIVERED -> new Delivered(readId(in), readInstant(in), readString(in), readOutcome(format, in));
            case DEFERRED -> new Deferred(readId(in), readInstant(in), readString(in), readOutcome(format, in),
                    Math.toIntExact(in.readStopBit()), readInstant(in));
            case FAILED -> new Failed(readId(in), readInstant(in), readString(in), readOutcome(format, in));
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
                if (!(readOutcome(format, in) instanceof RemoteReply reply)) {
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

    private static final byte NO_OUTCOME = 0;
    private static final byte REMOTE_REPLY = 1;
    private static final byte LOCAL_DECISION = 2;

    private static void writeOutcome(Outcome outcome, BytesOut<?> out) {
        switch (outcome) {
            case null -> out.writeByte(NO_OUTCOME);
            case RemoteReply r -> {
                out.writeByte(REMOTE_REPLY);
                out.writeUtf8(r.host());
                out.writeUtf8(r.peer());
                writeReply(r.reply(), out);
            }
            case LocalDecision d -> {
                out.writeByte(LOCAL_DECISION);
                out.writeStopBit(d.reason().code());
                out.writeUtf8(d.peer());
                writeReply(d.reply(), out);
                writeOutcome(d.cause(), out);
            }
        }
    }

    private static Outcome readOutcome(int format, BytesIn<?> in) {
        if (format < 2) {
            String relay = readString(in);
            return Outcome.legacy(relay, readString(in));
        }
        return readOutcome(in, 0);
    }

    private static Outcome readOutcome(BytesIn<?> in, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("journal record with outcomes nested too deep");
        }
        byte kind = in.readByte();
        return switch (kind) {
            case NO_OUTCOME -> null;
            case REMOTE_REPLY -> {
                String host = readString(in);
                String peer = readString(in);
                yield new RemoteReply(readReply(in), host, peer);
            }
            case LOCAL_DECISION -> {
                var reason = LocalDecision.Reason.ofCode(Math.toIntExact(in.readStopBit()));
                String peer = readString(in);
                Reply reply = readReply(in);
                yield new LocalDecision(reason, reply, peer, readOutcome(in, depth + 1));
            }
            default -> throw new IllegalStateException("unknown outcome kind " + kind + " in the journal");
        };
    }

    private static void writeReply(Reply reply, BytesOut<?> out) {
        out.writeStopBit(reply.code());
        out.writeUtf8(reply.status());
        List<String> lines = reply.lines();
        out.writeStopBit(lines.size());
        for (String line : lines) {
            out.writeUtf8(line);
        }
    }

    private static Reply readReply(BytesIn<?> in) {
        int code = Math.toIntExact(in.readStopBit());
        String status = readString(in);
        int n = Math.toIntExact(in.readStopBit());
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(readString(in));
        }
        return new Reply(code, status, lines);
    }

    private static void writeHead(QueueId id, Instant at, BytesOut<?> out) {
        out.writeUtf8(id.value());
        writeInstant(at, out);
    }

    private static QueueId readId(BytesIn<?> in) {
        return new QueueId(readString(in));
    }

    private static void writeInstant(Instant at, BytesOut<?> out) {
        out.writeStopBit(at.getEpochSecond());
        out.writeStopBit(at.getNano());
    }

    private static Instant readInstant(BytesIn<?> in) {
        long seconds = in.readStopBit();
        return Instant.ofEpochSecond(seconds, in.readStopBit());
    }

    private static void writeEnvelope(Envelope e, BytesOut<?> out) {
        out.writeUtf8(e.id().value());
        ReversePath from = e.reversePath();
        if (from.isNull()) {
            out.writeByte((byte) 0);
        } else {
            out.writeByte((byte) 1);
            writeMailbox(from.mailbox(), out);
        }
        List<Recipient> recipients = e.recipients();
        out.writeStopBit(recipients.size());
        for (Recipient r : recipients) {
            writeMailbox(r.address(), out);
            out.writeByte(notifyBits(r.notifyOn()));
            out.writeUtf8(r.orcpt());
        }
        out.writeByte(switch (e.body()) {
            case SEVEN_BIT -> (byte) 1;
            case EIGHT_BIT_MIME -> (byte) 2;
            case BINARY_MIME -> (byte) 3;
        });
        out.writeByte((byte) (e.smtpUtf8() ? 1 : 0));
        out.writeByte(e.ret() == null ? 0 : switch (e.ret()) {
            case FULL -> (byte) 1;
            case HDRS -> (byte) 2;
        });
        out.writeUtf8(e.envId());
        out.writeStopBit(e.declaredSize());
        out.writeUtf8(e.clientAddress());
        out.writeUtf8(e.heloName());
        writeInstant(e.arrival(), out);
    }

    private static Envelope readEnvelope(BytesIn<?> in) {
        QueueId id = readId(in);
        ReversePath from = in.readByte() == 0 ? ReversePath.NULL : ReversePath.of(readMailbox(in));
        int count = Math.toIntExact(in.readStopBit());
        List<Recipient> recipients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Mailbox address = readMailbox(in);
            Set<Notify> notify = notifySet(in.readByte());
            recipients.add(new Recipient(address, notify, readString(in)));
        }
        Body body = switch (in.readByte()) {
            case 1 -> Body.SEVEN_BIT;
            case 2 -> Body.EIGHT_BIT_MIME;
            case 3 -> Body.BINARY_MIME;
            default -> throw new IllegalStateException(id + ": unknown BODY code in the journal");
        };
        boolean smtpUtf8 = in.readByte() != 0;
        Ret ret = switch (in.readByte()) {
            case 0 -> null;
            case 1 -> Ret.FULL;
            case 2 -> Ret.HDRS;
            default -> throw new IllegalStateException(id + ": unknown RET code in the journal");
        };
        String envId = readString(in);
        long declaredSize = in.readStopBit();
        String client = readString(in);
        String helo = readString(in);
        Instant arrival = readInstant(in);
        return new Envelope(id, from, recipients, body, smtpUtf8, ret, envId, declaredSize, client, helo, arrival);
    }

    private static void writeMailbox(Mailbox m, BytesOut<?> out) {
        out.writeUtf8(m.localPart());
        out.writeUtf8(m.domain());
    }

    private static Mailbox readMailbox(BytesIn<?> in) {
        String localPart = readString(in);
        return new Mailbox(localPart, readString(in));
    }

    private static byte notifyBits(Set<Notify> notify) {
        int bits = 0;
        for (Notify n : notify) {
            bits |= switch (n) {
                case SUCCESS -> 1;
                case FAILURE -> 2;
                case DELAY -> 4;
                case NEVER -> 8;
            };
        }
        return (byte) bits;
    }

    private static Set<Notify> notifySet(byte bits) {
        if (bits == 0) {
            return Set.of();
        }
        EnumSet<Notify> set = EnumSet.noneOf(Notify.class);
        if ((bits & 1) != 0) {
            set.add(Notify.SUCCESS);
        }
        if ((bits & 2) != 0) {
            set.add(Notify.FAILURE);
        }
        if ((bits & 4) != 0) {
            set.add(Notify.DELAY);
        }
        if ((bits & 8) != 0) {
            set.add(Notify.NEVER);
        }
        return set;
    }
}
