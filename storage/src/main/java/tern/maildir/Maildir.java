package tern.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.fs.AtomicFiles;
import tern.header.ReturnPathFields;
import tern.queue.QueueId;

/**
 * Local delivery into Maildir folders at {@code <dataDir>/drop/<domain>/<local-part>/}.
 *
 * <p>Each message is written to {@code tmp/}, fsynced, and renamed into {@code new/}
 * (the Maildir protocol), so a reader never sees a partial message and a crash after
 * the rename cannot lose it. The message gets {@code Return-Path} and
 * {@code Delivered-To} headers on top, as RFC 5321 4.4 asks of the final delivery; any
 * Return-Path it arrived with is removed first, so the only one is the envelope's.
 *
 * <p>The local part names a directory literally. One that cannot be a safe directory
 * name ({@code ..}, a slash, a leading dot, control characters) is refused, never
 * rewritten: {@link #isDeliverable} lets the SMTP session refuse it at RCPT time.
 */
public final class Maildir {

    private final Path drop;
    private final String hostName;
    private final AtomicLong sequence = new AtomicLong();

    public Maildir(Path dataDir, String hostName) {
        this.drop = dataDir.resolve("drop");
        this.hostName = hostName.replace('/', '_').replace(':', '_');
    }

    /** Whether {@code recipient} can name a Maildir folder as it is. */
    public static boolean isDeliverable(Mailbox recipient) {
        String local = recipient.localPart();
        if (local.isEmpty() || local.length() > 255 || local.charAt(0) == '.' || recipient.isAddressLiteral()) {
            return false;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The folder a recipient's mail goes to. */
    public Path folder(Mailbox recipient) {
        return drop.resolve(recipient.domain()).resolve(recipient.localPart());
    }

    /**
     * Delivers one copy of {@code message} to {@code recipient}; returns the file it wrote.
     * Safe to call from many threads at once.
     */
    public Path deliver(QueueId id, ReversePath sender, Mailbox recipient, byte[] message) throws IOException {
        if (!isDeliverable(recipient)) {
            throw new IllegalArgumentException("not a deliverable local part: " + recipient);
        }
        Path folder = folder(recipient);
        Path tmp = folder.resolve("tmp");
        Path fresh = folder.resolve("new");
        AtomicFiles.createDirectories(tmp);
        AtomicFiles.createDirectories(fresh);
        AtomicFiles.createDirectories(folder.resolve("cur"));

        // time.unique.host, the unique part being our queue id plus a per-process counter
        String name = (System.currentTimeMillis() / 1000) + "." + id + "_" + sequence.incrementAndGet() + "." + hostName;
        byte[] trace = ("Return-Path: <" + sender + ">\r\nDelivered-To: " + recipient + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        Path target = fresh.resolve(name);
        AtomicFiles.write(tmp.resolve(name), target, trace, ReturnPathFields.remove(message));
        return target;
    }
}
