package tern.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StsPolicyTest {

    @Test
    void readsTheExamplePolicyOfTheRfc() throws Exception {
        StsPolicy p = StsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void acceptsBareLfTrailingSpaceAndUnknownExtensionKeys() throws Exception {
        StsPolicy p = StsPolicy.parse("version: STSv1\nmode:testing  \nmx: MX.Example.COM.\nfuture_key: x\nmax_age: 86400");
        assertThat(p.mode()).isEqualTo(StsPolicy.Mode.TESTING);
        assertThat(p.mx()).containsExactly("mx.example.com");
    }

    @Test
    void modeNoneNeedsNoMx() throws Exception {
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n").mode()).isEqualTo(StsPolicy.Mode.NONE);
    }

    @Test
    void refusesWhatTheRfcDoesNotAllow() {
        assertThatThrownBy(() -> StsPolicy.parse("mode: enforce\nmx: a.test\nmax_age: 1\n")).hasMessage("policy has no version");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n"))
                .hasMessage("policy version is not STSv1");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n"))
                .hasMessageContaining("'strict' is not enforce, testing or none");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n"))
                .hasMessageContaining("max_age '31557601'");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -1\n"))
                .hasMessageContaining("max_age");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 60\n"))
                .hasMessage("policy in mode enforce names no mx");
        assertThatThrownBy(() -> StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *\nmax_age: 60\n"))
                .hasMessageContaining("policy mx '*'");
        assertThatThrownBy(() -> StsPolicy.parse("<html>not found</html>")).isInstanceOf(StsPolicyException.class);
    }

    @Test
    void aWildcardStandsForExactlyOneLeftmostLabel() {
        StsPolicy p = new StsPolicy(StsPolicy.Mode.ENFORCE, List.of("*.example.net", "mail.example.com"), Duration.ofDays(1));
        assertThat(p.allows("mx1.example.net")).isTrue();
        assertThat(p.allows("MX1.Example.Net.")).isTrue();
        assertThat(p.allows("example.net")).isFalse();
        assertThat(p.allows("a.b.example.net")).isFalse();
        assertThat(p.allows("mail.example.com")).isTrue();
        assertThat(p.allows("mail2.example.com")).isFalse();
        assertThat(p.allows("evilexample.net")).isFalse();
    }

    @Test
    void theTxtRecordNamesThePolicyId() {
        assertThat(StsRecord.of(List.of("v=STSv1; id=20160831085700Z;"))).contains(new StsRecord("20160831085700Z"));
        assertThat(StsRecord.of(List.of("v=spf1 -all", "v=STSv1;id=abc"))).contains(new StsRecord("abc"));
        assertThat(StsRecord.of(List.of("v=STSv1; id=a;", "v=STSv1; id=b;"))).isEmpty(); // two: no policy
        assertThat(StsRecord.of(List.of("v=STSv1; id=not-alnum;"))).isEmpty();
        assertThat(StsRecord.of(List.of("v=STSv1; id=" + "a".repeat(33) + ";"))).isEmpty();
        assertThat(StsRecord.of(List.of("v=STSv1;"))).isEmpty();
        assertThat(StsRecord.of(List.of("V=STSv1; id=a;"))).isEmpty();
        assertThat(StsRecord.of(List.of())).isEmpty();
    }
}
