package tern.journal;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.smtp.Reply;

/** How the journal writes who decided an outcome: a remote reply (host, peer, code, text) or Tern's own decision. */
final class OutcomeCodec {
    private OutcomeCodec() {
    }

    private static final byte NO_OUTCOME = 0;
    private static final byte REMOTE_REPLY = 1;
    private static final byte LOCAL_DECISION = 2;

    static void writeOutcome(Outcome outcome, BytesOut<?> out) {
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

    static Outcome readOutcome(int format, BytesIn<?> in) {
        if (format < 2) {
            String relay = JournalCodec.readString(in);
            return Outcome.legacy(relay, JournalCodec.readString(in));
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
                String host = JournalCodec.readString(in);
                String peer = JournalCodec.readString(in);
                yield new RemoteReply(readReply(in), host, peer);
            }
            case LOCAL_DECISION -> {
                var reason = LocalDecision.Reason.ofCode(Math.toIntExact(in.readStopBit()));
                String peer = JournalCodec.readString(in);
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
        String status = JournalCodec.readString(in);
        int n = Math.toIntExact(in.readStopBit());
        List<String> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            lines.add(JournalCodec.readString(in));
        }
        return new Reply(code, status, lines);
    }
}
