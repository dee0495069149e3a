package tern.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.bench.sink.ReplyRules;
import tern.bench.sink.SinkOptions;
import tern.bench.sink.SmtpSink;

class LoadAgainstSinkTest {
    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    private SmtpSink sink;

    @AfterEach
    void stopSink() {
        if (sink != null) {
            sink.close();
        }
    }

    private LoadOptions against(SinkOptions sinkOptions) throws Exception {
        sink = new SmtpSink(sinkOptions, quiet).start();
        return LoadOptions.defaults(new Flags.HostPort("127.0.0.1", sink.port()))
                .withMessages(500).withConnections(4);
    }

    private static SinkOptions sinkOptions() {
        return SinkOptions.defaults(new Flags.HostPort("127.0.0.1", 0));
    }

    @Test
    void everyMessageSentIsCountedByTheSinkAndHasALatency(@TempDir Path dir) throws Exception {
        Path countFile = dir.resolve("count");
        LoadOptions o = against(sinkOptions().withCountFile(countFile));
        LoadSummary s = new LoadRun(o, null).run();
        assertThat(s.acknowledged()).isEqualTo(500);
        assertThat(s.allAcknowledged()).isTrue();
        assertThat(s.failed()).isZero();
        assertThat(sink.counters().messages()).isEqualTo(500);
        assertThat(sink.counters().recipients()).isEqualTo(500);
        assertThat(sink.counters().bytes()).isEqualTo(500 * s.messageSize());
        assertThat(s.latencyMicros().getTotalCount()).isEqualTo(500);
        assertThat(s.latencyMillis(50)).isPositive();
        assertThat(s.maxLatencyMillis()).isGreaterThanOrEqualTo(s.latencyMillis(99));
        assertThat(s.messagesPerSecond()).isPositive();
        assertThat(s.json()).startsWith("{").endsWith("}").contains("\"acknowledged\":500", "\"p99\":");
        sink.close();
        assertThat(Files.readString(countFile)).startsWith("500 messages 500 recipients ");
    }

    @Test
    void pipelinedAndOneMessagePerConnectionRunsDeliverEverything() throws Exception {
        LoadOptions o = against(sinkOptions());
        LoadSummary pipelined = new LoadRun(o.withPipelining(true).withToDomains(5), null).run();
        LoadSummary oneEach = new LoadRun(o.withReuse(false).withMessages(60), null).run();
        assertThat(pipelined.acknowledged()).isEqualTo(500);
        assertThat(oneEach.acknowledged()).isEqualTo(60);
        assertThat(oneEach.connections()).isEqualTo(60);
        assertThat(sink.counters().messages()).isEqualTo(560);
    }

    @Test
    void errorsAreGroupedByReplyCodeWhenTheSinkRefusesAFractionOfRecipients() throws Exception {
        ReplyRules rules = ReplyRules.parse("rcpt fraction=0.1 451 4.3.0 try later");
        LoadOptions o = against(sinkOptions().withRules(rules));
        for (boolean pipelining : new boolean[] {false, true}) {
            long before = sink.counters().messages();
            LoadSummary s = new LoadRun(o.withPipelining(pipelining), null).run();
            assertThat(s.failed()).as("pipelining %s", pipelining).isEqualTo(50);
            assertThat(s.acknowledged()).isEqualTo(450);
            assertThat(s.errors()).containsExactly(java.util.Map.entry("451 4.3.0 at RCPT", 50L));
            assertThat(s.allAcknowledged()).isFalse();
            assertThat(sink.counters().messages() - before).isEqualTo(450);
            assertThat(s.text()).contains("451 4.3.0 at RCPT");
        }
    }

    @Test
    void failuresAfterTheFinalDotAreGroupedAsEndOfData() throws Exception {
        ReplyRules rules = ReplyRules.parse("data attempt<=7 452 4.3.1 full");
        LoadOptions o = against(sinkOptions().withRules(rules));
        LoadSummary s = new LoadRun(o.withMessages(40), null).run();
        assertThat(s.errors()).containsExactly(java.util.Map.entry("452 4.3.1 at end of data", 7L));
        assertThat(sink.counters().rejectedMessages()).isEqualTo(7);
        assertThat(sink.counters().messages()).isEqualTo(33);
    }

    @Test
    void aTargetThatIsNotListeningStopsTheRunWithConnectionErrors() throws Exception {
        // Bound and never listening: connections are refused, and nobody else can take the port meanwhile.
        try (var held = new java.net.Socket()) {
            held.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            LoadOptions o = LoadOptions.defaults(new Flags.HostPort("127.0.0.1", held.getLocalPort()))
                    .withMessages(1000).withConnections(2);
            LoadSummary s = new LoadRun(o, null).run();
            assertThat(s.acknowledged()).isZero();
            assertThat(s.abortReason()).contains("cannot connect");
            assertThat(s.errors().keySet()).allSatisfy(k -> assertThat(k).startsWith("connection: "));
        }
    }
}
