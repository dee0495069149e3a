package tern.queue;

import java.util.ArrayList;
import java.util.List;
import tern.outcome.LocalDecision;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.smtp.Reply;

/**
 * A recipient's last outcome in one byte array, for an outcome that is not shared with
 * others (see {@link SharedOutcomes}): who decided, the reply (code, status, lines), the host
 * and peer, and for Tern's own decision its reason and cause.
 */
final class PackedOutcome {

    private static final int REMOTE = 0;
    private static final int LOCAL = 1;

    private PackedOutcome() {
    }

    static byte[] pack(Outcome outcome, SharedWords words) {
        var w = new PackedBytes.Writer();
        write(outcome, w, words);
        return w.toArray();
    }

    static Outcome unpack(byte[] packed, SharedWords words) {
        return read(new PackedBytes.Reader(packed), words);
    }

    private static void write(Outcome outcome, PackedBytes.Writer w, SharedWords words) {
        switch (outcome) {
            case RemoteReply r -> {
                w.varint(REMOTE);
                write(r.reply(), w, words);
                w.word(r.host(), words).word(r.peer(), words);
            }
            case LocalDecision d -> {
                w.varint(LOCAL).varint(d.reason().code());
                write(d.reply(), w, words);
                w.word(d.peer(), words).varint(d.cause() == null ? 0 : 1);
                if (d.cause() != null) {
                    write(d.cause(), w, words);
                }
            }
        }
    }

    private static void write(Reply reply, PackedBytes.Writer w, SharedWords words) {
        w.varint(reply.code()).word(reply.status(), words).varint(reply.lines().size());
        for (String line : reply.lines()) {
            w.string(line);
        }
    }

    private static Outcome read(PackedBytes.Reader r, SharedWords words) {
        if (r.varint() == REMOTE) {
            Reply reply = readReply(r, words);
            return new RemoteReply(reply, r.word(words), r.word(words));
        }
        LocalDecision.Reason reason = LocalDecision.Reason.ofCode(r.varint());
        Reply reply = readReply(r, words);
        String peer = r.word(words);
        Outcome cause = r.varint() == 0 ? null : read(r, words);
        return new LocalDecision(reason, reply, peer, cause);
    }

    private static Reply readReply(PackedBytes.Reader r, SharedWords words) {
        int code = r.varint();
        String status = r.word(words);
        int count = r.varint();
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(r.string());
        }
        return new Reply(code, status, lines);
    }
}
