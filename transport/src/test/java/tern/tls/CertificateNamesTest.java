package tern.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tern.config.TernConfig.OutboundTls;
import tern.config.TernConfig.SmartHostAuth;
import tern.route.NextHop;

class CertificateNamesTest {

    @Test
    void aWildcardIsOneWholeLeftMostLabel() {
        assertThat(CertificateNames.dnsIdMatches("*.example.com", "mx.example.com")).isTrue();
        assertThat(CertificateNames.dnsIdMatches("*.example.com", "a.mx.example.com")).isFalse();
        assertThat(CertificateNames.dnsIdMatches("*.example.com", "example.com")).isFalse();
        assertThat(CertificateNames.dnsIdMatches("*.com", "example.com")).isFalse();
        assertThat(CertificateNames.dnsIdMatches("mx.example.com", "mx.example.com")).isTrue();
        assertThat(CertificateNames.dnsIdMatches("mx.example.com", "mx2.example.com")).isFalse();
    }

    @Test
    void credentialsRaiseTheDefaultLevelToVerifyAndAWrittenLevelWins() {
        var auth = new SmartHostAuth("u", "p");
        assertThat(TlsPolicy.effective(null, auth, OutboundTls.OPPORTUNISTIC)).isEqualTo(OutboundTls.VERIFY);
        assertThat(TlsPolicy.effective(null, SmartHostAuth.NONE, OutboundTls.REQUIRED)).isEqualTo(OutboundTls.REQUIRED);
        assertThat(TlsPolicy.effective(OutboundTls.REQUIRED, auth, OutboundTls.OFF)).isEqualTo(OutboundTls.REQUIRED);
    }

    @Test
    void onlyALoopbackAddressAsWrittenIsExemptNotANameThatResolvesToOne() {
        assertThat(TlsPolicy.isLoopbackLiteral(NextHop.parse("[127.0.0.1]:2525", 25))).isTrue();
        assertThat(TlsPolicy.isLoopbackLiteral(NextHop.parse("[::1]:2525", 25))).isTrue();
        assertThat(TlsPolicy.isLoopbackLiteral(NextHop.parse("[localhost]:2525", 25))).isFalse();
        assertThat(TlsPolicy.isLoopbackLiteral(NextHop.parse("[192.0.2.1]", 25))).isFalse();
        assertThat(TlsPolicy.isLoopbackLiteral(NextHop.parse("smarthost.test", 25))).isFalse();
    }
}
