package tern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.client.ClientSettings;
import tern.config.TernConfig;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.journal.JournalEvent.HandedOver;
import tern.queue.QueueId;
import tern.testing.LoopbackPorts;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;

/** The hand-over itself, against a scripted peer on loopback, with a queue kept in memory. */
class EvacuationTest {

    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final ClientSettings SETTINGS = new ClientSettings("node-a.tern.test", Duration.ofSeconds(10),
            TernConfig.OutboundTls.OFF, null, TernConfig.SmartHostAuth.NONE);

    /** The queue as the evacuation sees it, recording what it was told. */
    private static final class MemoryQueue implements Evacuation.Queue {
        final Map<QueueId, Evacuation.Held> messages = new LinkedHashMap<>();
        final List<HandedOver> handedOver = new ArrayList<>();
        final List<QueueId> released = new ArrayList<>();
        final List<QueueId> held = new ArrayList<>();
        boolean journalFails;

        void add(Envelope envelope) {
            messages.put(envelope.id(), new Evacuation.Held(envelope, envelope.recipients()));
        }

        @Override
        public List<QueueId> ids() {
            return List.copyOf(messages.keySet());
        }

        @Override
        public Optional<Evacuation.Held> hold(QueueId id) {
            held.add(id);
            return Optional.ofNullable(messages.get(id));
        }

        @Override
        public byte[] message(QueueId id) {
            return ("Subject: " + id + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void handedOver(HandedOver event) throws IOException {
            if (journalFails) {
                throw new IOException("No space left on device");
            }
            handedOver.add(event);
        }

        @Override
        public void release(QueueId id) {
            released.add(id);
        }
    }

    private static Recipient rcpt(String address, String orcpt, Notify... notify) {
        int at = address.indexOf('@');
        return new Recipient(new Mailbox(address.substring(0, at), address.substring(at + 1)), Set.of(notify), orcpt);
    }

    private static Envelope envelope(String id, Ret ret, String envId, Recipient... recipients) {
        return new Envelope(new QueueId(id), ReversePath.of(new Mailbox("alice", "sender.test")), List.of(recipients),
                Body.SEVEN_BIT, false, ret, envId, -1, "192.0.2.1", "client.test", AT);
    }

    private static Evacuation to(ScriptedSmtpServer peer) {
        return new Evacuation(peer.address(), SETTINGS, InstantSource.fixed(AT.plusSeconds(60)));
    }

    @Test
    void everyMessageGoesWithItsOriginalEnvelopeAndIsRecordedOnlyAfterThePeersReply() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder().start()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", Ret.HDRS, "env-1", rcpt("bob@far.test", "rfc822;bob@far.test",
                    Notify.SUCCESS, Notify.FAILURE), rcpt("carol@far.test", null)));
            queue.add(envelope("0EVAC2", null, null, rcpt("dan@far.test", null)));

            var lines = new ArrayList<String>();
            var report = to(peer).run(queue, () -> true, r -> lines.add(r.line()));

            assertThat(report.complete()).isTrue();
            assertThat(report.total()).isEqualTo("2 messages handed over to 127.0.0.1:" + peer.port() + ", 0 stayed");
            var sent = peer.messages();
            assertThat(sent).hasSize(2);
            assertThat(sent.get(0).reversePath()).isEqualTo("alice@sender.test"); // no masquerading
            assertThat(sent.get(0).mailParameters()).contains("RET=HDRS", "ENVID=env-1");
            assertThat(sent.get(0).rcptTo()).containsExactly(
                    "<bob@far.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@far.test", "<carol@far.test>");
            assertThat(sent.get(0).dataText()).startsWith("Subject: 0EVAC1");
            assertThat(queue.handedOver).extracting(HandedOver::recipients)
                    .containsExactly(List.of("bob@far.test", "carol@far.test"), List.of("dan@far.test"));
            assertThat(queue.handedOver.getFirst().reply().reply().code()).isEqualTo(250);
            assertThat(queue.handedOver.getFirst().peer()).isEqualTo("127.0.0.1[127.0.0.1]:" + peer.port());
            assertThat(queue.released).isEmpty();
            assertThat(lines.getFirst()).startsWith("0EVAC1 handed over: <bob@far.test>, <carol@far.test> (250");
            assertThat(peer.connections()).isEqualTo(1); // one connection carries them all
        }
    }

    @Test
    void aPeerWithoutDsnGetsTheMessageWithoutTheParametersAndTheLineSaysSo() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder().without("DSN").start()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", Ret.FULL, "env-1", rcpt("bob@far.test", "rfc822;bob@far.test", Notify.SUCCESS)));

            var lines = new ArrayList<String>();
            var report = to(peer).run(queue, () -> true, r -> lines.add(r.line()));

            assertThat(report.complete()).isTrue();
            assertThat(peer.messages().getFirst().mailFrom()).doesNotContain("RET=").doesNotContain("ENVID=");
            assertThat(peer.messages().getFirst().rcptTo()).containsExactly("<bob@far.test>");
            assertThat(lines.getFirst()).endsWith("; DSN parameters dropped: the peer does not offer DSN");
        }
    }

    @Test
    void aTransientRefusalLeavesTheMessageQueuedAndReleased() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder()
                .reply(Verb.MESSAGE, "451 4.3.0 Try again later").start()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", null, null, rcpt("bob@far.test", null)));

            var report = to(peer).run(queue, () -> true, r -> { });

            assertThat(report.complete()).isFalse();
            assertThat(report.results().getFirst().line())
                    .isEqualTo("0EVAC1 stayed: <bob@far.test>: 451 4.3.0 Try again later");
            assertThat(queue.handedOver).isEmpty();
            assertThat(queue.released).containsExactly(new QueueId("0EVAC1"));
        }
    }

    @Test
    void recipientsThePeerRefusesStayWhileTheOthersAreHandedOver() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder()
                .rcpt("carol@far.test", "550 5.1.1 No such user").start()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", null, null, rcpt("bob@far.test", null), rcpt("carol@far.test", null)));

            var report = to(peer).run(queue, () -> true, r -> { });

            assertThat(report.complete()).isFalse();
            assertThat(queue.handedOver).extracting(HandedOver::recipients).containsExactly(List.of("bob@far.test"));
            assertThat(report.results().getFirst().line()).contains("; stayed: <carol@far.test> 550 5.1.1 No such user");
        }
    }

    @Test
    void aPeerThatCannotBeReachedLeavesEverythingQueuedWithoutTryingTheRest() throws Exception {
        try (Socket refusing = LoopbackPorts.refusingPort()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", null, null, rcpt("bob@far.test", null)));
            queue.add(envelope("0EVAC2", null, null, rcpt("dan@far.test", null)));
            var peer = new InetSocketAddress("127.0.0.1", refusing.getLocalPort());

            var report = new Evacuation(peer, SETTINGS, InstantSource.system()).run(queue, () -> true, r -> { });

            assertThat(report.complete()).isFalse();
            assertThat(report.results()).allMatch(Evacuation.Result::stayed);
            assertThat(report.results().get(1).line()).contains("not tried: the peer cannot be reached");
            assertThat(queue.held).containsExactly(new QueueId("0EVAC1")); // the second was never taken out
            assertThat(queue.released).containsExactly(new QueueId("0EVAC1"));
        }
    }

    @Test
    void aHandOverTheJournalCannotRecordStopsTheEvacuation() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder().start()) {
            var queue = new MemoryQueue();
            queue.journalFails = true;
            queue.add(envelope("0EVAC1", null, null, rcpt("bob@far.test", null)));
            queue.add(envelope("0EVAC2", null, null, rcpt("dan@far.test", null)));

            var report = to(peer).run(queue, () -> true, r -> { });

            assertThat(peer.messages()).hasSize(1); // nothing more goes while hand-overs cannot be recorded
            assertThat(report.results().get(0).line()).contains("the peer took it").contains("will be delivered again");
            assertThat(report.results().get(1).line()).contains("not tried: the journal could not record");
        }
    }

    @Test
    void aLostLeaseStopsBeforeTheNextMessage() throws Exception {
        try (ScriptedSmtpServer peer = ScriptedSmtpServer.builder().start()) {
            var queue = new MemoryQueue();
            queue.add(envelope("0EVAC1", null, null, rcpt("bob@far.test", null)));
            queue.add(envelope("0EVAC2", null, null, rcpt("dan@far.test", null)));
            boolean[] leaseHeld = {true};

            var report = to(peer).run(queue, () -> leaseHeld[0], r -> leaseHeld[0] = false);

            assertThat(peer.messages()).hasSize(1);
            assertThat(report.results().get(1).stayed()).isTrue();
        }
    }

    @Test
    void hostAndPortAreReadAsTheOperatorWritesThem() {
        assertThat(Evacuation.peer("127.0.0.1:2526")).isEqualTo(new InetSocketAddress("127.0.0.1", 2526));
        assertThat(Evacuation.peer("[::1]:25")).isEqualTo(new InetSocketAddress("::1", 25));
        for (String bad : new String[] {"", "127.0.0.1", "127.0.0.1:x", "::1:25", ":25", "h:70000"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Evacuation.peer(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
