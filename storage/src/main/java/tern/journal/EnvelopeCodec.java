package tern.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.queue.QueueId;

/** How the journal writes an envelope: id, reverse-path, recipients with their DSN parameters, and the session facts. */
final class EnvelopeCodec {
    private EnvelopeCodec() {
    }

    static void writeEnvelope(Envelope e, BytesOut<?> out) {
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
        JournalCodec.writeInstant(e.arrival(), out);
    }

    static Envelope readEnvelope(BytesIn<?> in) {
        QueueId id = JournalCodec.readId(in);
        ReversePath from = in.readByte() == 0 ? ReversePath.NULL : ReversePath.of(readMailbox(in));
        int count = Math.toIntExact(in.readStopBit());
        List<Recipient> recipients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Mailbox address = readMailbox(in);
            Set<Notify> notify = notifySet(in.readByte());
            recipients.add(new Recipient(address, notify, JournalCodec.readString(in)));
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
        String envId = JournalCodec.readString(in);
        long declaredSize = in.readStopBit();
        String client = JournalCodec.readString(in);
        String helo = JournalCodec.readString(in);
        Instant arrival = JournalCodec.readInstant(in);
        return new Envelope(id, from, recipients, body, smtpUtf8, ret, envId, declaredSize, client, helo, arrival);
    }

    private static void writeMailbox(Mailbox m, BytesOut<?> out) {
        out.writeUtf8(m.localPart());
        out.writeUtf8(m.domain());
    }

    private static Mailbox readMailbox(BytesIn<?> in) {
        String localPart = JournalCodec.readString(in);
        return new Mailbox(localPart, JournalCodec.readString(in));
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
