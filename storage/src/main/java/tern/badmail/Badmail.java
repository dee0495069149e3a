package tern.badmail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.fs.AtomicFiles;

/**
 * The Badmail directory: where a message goes when it can be neither delivered nor
 * reported (an NDR that failed, a failure of a message with the null reverse-path, an
 * operator's delete). Three readable files per message, as the classic SMTP service
 * wrote them: {@code <id>.bad} (the message), {@code <id>.bdr} (why) and
 * {@code <id>.bdp} (the envelope).
 *
 * <p>Each file is written atomically; the {@code .bad} file is written last, so a
 * {@code .bad} file always has its reason and envelope beside it.
 */
public final class Badmail {

    private final Path directory;

    public Badmail(Path dataDir) {
        this.directory = dataDir.resolve("badmail");
    }

    public Path directory() {
        return directory;
    }

    /**
     * Stores {@code message} with the readable {@code reason}; returns the {@code .bad} file.
     * Storing the same id again (after a crash between the files and the journal event)
     * overwrites the earlier copy.
     */
    public Path store(Envelope envelope, byte[] message, String reason, Instant at) throws IOException {
        AtomicFiles.createDirectories(directory);
        String id = envelope.id().value();
        write(id + ".bdr", reasonText(envelope, reason, at).getBytes(StandardCharsets.UTF_8));
        write(id + ".bdp", envelopeText(envelope).getBytes(StandardCharsets.UTF_8));
        return write(id + ".bad", message);
    }

    private Path write(String name, byte[] content) throws IOException {
        Path target = directory.resolve(name);
        Path tmp = directory.resolve("." + name + ".tmp");
        Files.deleteIfExists(tmp);
        AtomicFiles.write(tmp, target, content);
        return target;
    }

    static String reasonText(Envelope envelope, String reason, Instant at) {
        return "Queue-Id: " + envelope.id() + "\n"
                + "Badmailed-At: " + at + "\n"
                + "Reason: " + reason.replace("\r", " ").replace("\n", "\n  ") + "\n";
    }

    static String envelopeText(Envelope envelope) {
        StringBuilder sb = new StringBuilder()
                .append("Queue-Id: ").append(envelope.id()).append('\n')
                .append("Arrival-Date: ").append(envelope.arrival()).append('\n')
                .append("Client: [").append(envelope.clientAddress()).append("] helo=")
                .append(envelope.heloName()).append('\n')
                .append("Reverse-Path: <").append(envelope.reversePath()).append(">\n");
        if (envelope.envId() != null) {
            sb.append("Envelope-Id: ").append(envelope.envId()).append('\n');
        }
        if (envelope.ret() != null) {
            sb.append("Ret: ").append(envelope.ret()).append('\n');
        }
        sb.append("Body: ").append(envelope.body().keyword()).append(envelope.smtpUtf8() ? " SMTPUTF8" : "").append('\n');
        for (Recipient r : envelope.recipients()) {
            sb.append("Recipient: <").append(r.address()).append('>');
            if (!r.notifyOn().isEmpty()) {
                sb.append(" NOTIFY=").append(String.join(",", r.notifyOn().stream().map(Enum::name).sorted().toList()));
            }
            if (r.orcpt() != null) {
                sb.append(" ORCPT=").append(r.orcpt());
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
