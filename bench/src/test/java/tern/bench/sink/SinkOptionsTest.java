package tern.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tern.bench.load.Flags;
import tern.bench.load.LoadOptions;
import tern.bench.sink.ReplyRules.Stage;

class SinkOptionsTest {

    @Test
    void scriptRulesComeBeforeTheRulesTheFlagsMake() throws Exception {
        SinkOptions o = SinkOptions.parse(new String[] {"--listen", "127.0.0.1:0", "--reply", "script",
                "scripts/example.rules", "--fail-first", "3", "--fail-fraction", "0.1", "--fail-code", "452",
                "--delay", "5"});
        List<ReplyRules.Rule> rules = o.rules().rules();
        assertThat(rules).hasSize(8);
        assertThat(rules.get(6).stage()).isEqualTo(Stage.DATA);
        assertThat(rules.get(6).reply().code()).isEqualTo(452);
        assertThat(rules.get(7).stage()).isEqualTo(Stage.RCPT);
        assertThat(rules.get(7).fraction()).isEqualTo(0.1);
        assertThat(o.delay().toMillis()).isEqualTo(5);
    }

    @Test
    void replyTakesACodeForDataOrForRcpt() throws Exception {
        assertThat(SinkOptions.parse(new String[] {"--reply", "451"}).rules().decide(Stage.DATA, null, List.of(), 1)
                .reply().wire()).startsWith("451 4.3.0 ");
        assertThat(SinkOptions.parse(new String[] {"--reply", "rcpt:550"}).rules().decide(Stage.RCPT, "a@b", null, 1)
                .reply().wire()).startsWith("550 5.1.1 ");
        assertThat(SinkOptions.parse(new String[] {"--reply", "250"}).rules().isEmpty()).isTrue();
        assertThatThrownBy(() -> SinkOptions.parse(new String[] {"--reply", "99"}))
                .isInstanceOf(Flags.UsageException.class).hasMessageContaining("--reply");
    }

    @Test
    void loadFlagsReadAsOperatorsWriteThem() {
        LoadOptions o = LoadOptions.parse(new String[] {"--target", "127.0.0.1:2626", "--messages", "20_000",
                "--size", "50k", "--new-connection-per-message", "--to-domains", "4", "--rate=1500", "--pipelining"});
        assertThat(o.target()).isEqualTo(new Flags.HostPort("127.0.0.1", 2626));
        assertThat(o.messages()).isEqualTo(20_000);
        assertThat(o.size()).isEqualTo(50_000);
        assertThat(o.reuse()).isFalse();
        assertThat(o.toDomains()).isEqualTo(4);
        assertThat(o.rate()).isEqualTo(1500.0);
        assertThat(o.pipelining()).isTrue();
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--reuse", "--new-connection-per-message"}))
                .hasMessageContaining("exclude");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--conections", "3"}))
                .hasMessageContaining("unknown flag: --conections");
    }
}
