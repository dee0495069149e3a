package tern.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import tern.bench.sink.ReplyRules.Rule;
import tern.bench.sink.ReplyRules.Stage;

class ReplyRulesTest {

    @Test
    void parsesTheRulesOfTheReadme() {
        ReplyRules rules = ReplyRules.parse("""
                # comment
                rcpt *@bad.test 550 5.1.1 no such user

                data attempt<=2 451 4.3.0 try later
                rcpt fraction=0.25 452
                mail slow@*  delay=200 250
                data *@drop.test drop
                """);
        assertThat(rules.rules()).hasSize(5);
        Rule bad = rules.rules().get(0);
        assertThat(bad.stage()).isEqualTo(Stage.RCPT);
        assertThat(bad.reply().wire()).isEqualTo("550 5.1.1 no such user\r\n");
        assertThat(rules.rules().get(1).reply().wire()).isEqualTo("451 4.3.0 try later\r\n");
        assertThat(rules.rules().get(2).reply().status()).as("default enhanced code for 452 at RCPT").isEqualTo("4.5.3");
        assertThat(rules.rules().get(3).delayMillis()).isEqualTo(200);
        assertThat(rules.rules().get(4).drops()).isTrue();
        assertThat(rules.addressesNeeded()).isTrue();
    }

    @Test
    void firstMatchingRuleWins() {
        ReplyRules rules = ReplyRules.parse("""
                rcpt vip@bad.test 250
                rcpt *@bad.test 550 5.1.1 no such user
                """);
        assertThat(rules.decide(Stage.RCPT, "vip@bad.test", null, 1).reply().code()).isEqualTo(250);
        assertThat(rules.decide(Stage.RCPT, "Someone@BAD.test", null, 1).reply().code()).isEqualTo(550);
        assertThat(rules.decide(Stage.RCPT, "someone@good.test", null, 1)).isNull();
    }

    @Test
    void attemptCountsTransactionsAndDataGlobsLookAtAnyRecipient() {
        ReplyRules rules = ReplyRules.parse("""
                data attempt<=2 451 4.3.0 try later
                data *@x.test 554
                """);
        assertThat(rules.decide(Stage.DATA, null, List.of("a@y.test"), 1)).isNotNull();
        assertThat(rules.decide(Stage.DATA, null, List.of("a@y.test"), 2)).isNotNull();
        assertThat(rules.decide(Stage.DATA, null, List.of("a@y.test"), 3)).isNull();
        assertThat(rules.decide(Stage.DATA, null, List.of("a@y.test", "b@x.test"), 3).reply().code()).isEqualTo(554);
    }

    @Test
    void aFractionHitsExactlyThatShareSpreadEvenly() {
        ReplyRules rules = ReplyRules.parse("rcpt fraction=0.1 451");
        int hits = 0;
        for (int i = 0; i < 1000; i++) {
            if (rules.decide(Stage.RCPT, "", null, i) != null) {
                hits++;
            }
        }
        assertThat(hits).isEqualTo(100);
    }

    @Test
    void globStarMatchesAnyRun() {
        assertThat(ReplyRules.globMatches("*@bad.test", "x@bad.test")).isTrue();
        assertThat(ReplyRules.globMatches("*@bad.test", "x@bad.test.org")).isFalse();
        assertThat(ReplyRules.globMatches("a*b*c", "axxbyyc")).isTrue();
        assertThat(ReplyRules.globMatches("a*b*c", "axxbyy")).isFalse();
        assertThat(ReplyRules.globMatches("*", "")).isTrue();
    }

    @Test
    void theExampleScriptOfTheReadmeParses() throws Exception {
        ReplyRules rules = ReplyRules.load(java.nio.file.Path.of("scripts/example.rules"));
        assertThat(rules.rules()).hasSize(6);
        assertThat(rules.decide(Stage.RCPT, "x@bad.test", null, 5).reply().wire()).isEqualTo("550 5.1.1 no such user\r\n");
        assertThat(rules.decide(Stage.DATA, null, List.of("a@ok.test"), 2).reply().code()).isEqualTo(451);
        assertThat(rules.decide(Stage.DATA, null, List.of("a@drop.test"), 3).drops()).isTrue();
    }

    @Test
    void mistakesNameTheLine() {
        assertThatThrownBy(() -> ReplyRules.parse("rcpt *@bad.test 550\nbogus 451"))
                .hasMessageContaining("line 2").hasMessageContaining("unknown stage");
        assertThatThrownBy(() -> ReplyRules.parse("data attempt<=x 451")).hasMessageContaining("attempt");
        assertThatThrownBy(() -> ReplyRules.parse("data attempt<=2")).hasMessageContaining("missing reply code");
        assertThatThrownBy(() -> ReplyRules.parse("rcpt whatever 550")).hasMessageContaining("'whatever'");
    }
}
