package tern.maildir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.queue.QueueId;

class MaildirTest {

    @TempDir
    Path data;

    @Test
    void deliversIntoNewWithReturnPathAndDeliveredToOnTop() throws Exception {
        var maildir = new Maildir(data, "mx.example.test");
        byte[] message = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8);

        Path file = maildir.deliver(new QueueId("0ABC"), ReversePath.of(new Mailbox("alice", "remote.test")),
                new Mailbox("Bob", "Example.TEST"), message);

        assertThat(file.getParent()).isEqualTo(data.resolve("drop/example.test/Bob/new"));
        assertThat(Files.readString(file)).isEqualTo(
                "Return-Path: <alice@remote.test>\r\nDelivered-To: Bob@example.test\r\nSubject: hi\r\n\r\nbody\r\n");
        try (Stream<Path> tmp = Files.list(data.resolve("drop/example.test/Bob/tmp"))) {
            assertThat(tmp).isEmpty();
        }
        assertThat(data.resolve("drop/example.test/Bob/cur")).isDirectory();
    }

    @Test
    void aReturnPathTheMessageArrivedWithIsReplacedByTheEnvelopes() throws Exception {
        var maildir = new Maildir(data, "mx");
        Path file = maildir.deliver(new QueueId("0ABC"), ReversePath.of(new Mailbox("alice", "remote.test")),
                new Mailbox("bob", "x.test"),
                "Return-Path: <forged@evil.example>\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo(
                "Return-Path: <alice@remote.test>\r\nDelivered-To: bob@x.test\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void theNullReversePathBecomesAnEmptyReturnPath() throws Exception {
        var maildir = new Maildir(data, "mx");
        Path file = maildir.deliver(new QueueId("0ABD"), ReversePath.NULL, new Mailbox("postmaster", "x.test"),
                "\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).startsWith("Return-Path: <>\r\n");
    }

    @Test
    void twoDeliveriesOfOneMessageGetTwoFiles() throws Exception {
        var maildir = new Maildir(data, "mx");
        var rcpt = new Mailbox("a", "x.test");
        Path first = maildir.deliver(new QueueId("0ABE"), ReversePath.NULL, rcpt, new byte[0]);
        Path second = maildir.deliver(new QueueId("0ABE"), ReversePath.NULL, rcpt, new byte[0]);
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void aLocalPartThatIsNotASafeFolderNameIsRefusedNeverRewritten() {
        var maildir = new Maildir(data, "mx");
        for (String local : new String[] {"..", ".hidden", "a/b", "../../etc", "a\\b", ""}) {
            var rcpt = new Mailbox(local, "x.test");
            assertThat(Maildir.isDeliverable(rcpt)).as(local).isFalse();
            assertThatThrownBy(() -> maildir.deliver(new QueueId("0ABF"), ReversePath.NULL, rcpt, new byte[0]))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Maildir.isDeliverable(new Mailbox("first.last+tag", "x.test"))).isTrue();
        assertThat(Maildir.isDeliverable(new Mailbox("ünïcode", "x.test"))).isTrue();
    }
}
