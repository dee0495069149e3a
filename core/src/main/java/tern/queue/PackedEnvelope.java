package tern.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;

/**
 * An envelope as the queue state keeps it: one byte array with the reverse path, the MAIL
 * FROM and RCPT TO parameters (BODY, SMTPUTF8, RET, ENVID, SIZE, NOTIFY, ORCPT) and the
 * client's address and HELO name. The id and arrival are kept beside it, and the recipients'
 * addresses are their names, which the state keeps anyway: {@link #recipientAddress} reads a
 * name back into its mailbox.
 */
final class PackedEnvelope {

    private static final Notify[] NOTIFY = Notify.values();
    private static final Body[] BODY = Body.values();
    private static final Ret[] RET = Ret.values();

    private PackedEnvelope() {
    }

    static byte[] pack(Envelope e, SharedWords words) {
        var w = new PackedBytes.Writer();
        Mailbox from = e.reversePath().mailbox();
        if (from == null) {
            w.varint(0);
        } else {
            w.varint(1).string(from.localPart()).word(from.domain(), words);
        }
        w.varint(e.body().ordinal() << 1 | (e.smtpUtf8() ? 1 : 0))
                .varint(e.ret() == null ? 0 : e.ret().ordinal() + 1)
                .string(e.envId())
                .varint(e.declaredSize() + 1)
                .word(e.clientAddress(), words)
                .word(e.heloName(), words)
                .varint(e.recipients().size());
        for (Recipient r : e.recipients()) {
            int notify = 0;
            for (Notify n : r.notifyOn()) {
                notify |= 1 << n.ordinal();
            }
            w.varint(notify).string(r.orcpt());
        }
        return w.toArray();
    }

    static Envelope unpack(QueueId id, long arrival, byte[] packed, HeldMessage names, SharedWords words) {
        var r = new PackedBytes.Reader(packed);
        ReversePath from = r.varint() == 0 ? ReversePath.NULL : ReversePath.of(new Mailbox(r.string(), r.word(words)));
        int flags = r.varint();
        int ret = r.varint();
        String envId = r.string();
        long declaredSize = r.varlong() - 1;
        String clientAddress = r.word(words);
        String heloName = r.word(words);
        int count = r.varint();
        List<Recipient> recipients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int notify = r.varint();
            Set<Notify> notifyOn = EnumSet.noneOf(Notify.class);
            for (Notify n : NOTIFY) {
                if ((notify & 1 << n.ordinal()) != 0) {
                    notifyOn.add(n);
                }
            }
            recipients.add(new Recipient(recipientAddress(names.name(i)), notifyOn, r.string()));
        }
        return new Envelope(id, from, recipients, BODY[flags >>> 1], (flags & 1) != 0, ret == 0 ? null : RET[ret - 1],
                envId, declaredSize, clientAddress, heloName, Instant.ofEpochMilli(arrival));
    }

    /**
     * The mailbox a recipient's name (its {@link Mailbox#toString}) stands for: the domain
     * after the last {@code @} (no domain or address literal holds one), the local part before
     * it, unquoted when {@code toString} quoted it.
     */
    static Mailbox recipientAddress(String name) {
        int at = name.lastIndexOf('@');
        String local = name.substring(0, at);
        if (local.length() >= 2 && local.charAt(0) == '"' && local.charAt(local.length() - 1) == '"') {
            StringBuilder sb = new StringBuilder(local.length());
            for (int i = 1; i < local.length() - 1; i++) {
                char c = local.charAt(i);
                if (c == '\\' && i + 1 < local.length() - 1) {
                    c = local.charAt(++i);
                }
                sb.append(c);
            }
            local = sb.toString();
        }
        return new Mailbox(local, name.substring(at + 1));
    }
}
