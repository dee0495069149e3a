package tern.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalizationTest {

    private static String header(String field) {
        byte[] b = field.getBytes(StandardCharsets.UTF_8);
        return new String(Canonicalization.header(b, 0, b.length), StandardCharsets.UTF_8);
    }

    /** A digest that keeps what it is fed, to see the canonical body itself. */
    private static String body(String message) throws Exception {
        var seen = new java.io.ByteArrayOutputStream();
        MessageDigest keep = new MessageDigest("keep") {
            @Override
            protected void engineUpdate(byte input) {
                seen.write(input);
            }

            @Override
            protected void engineUpdate(byte[] input, int offset, int len) {
                seen.write(input, offset, len);
            }

            @Override
            protected byte[] engineDigest() {
                return new byte[0];
            }

            @Override
            protected void engineReset() {
            }
        };
        Canonicalization.body(message.getBytes(StandardCharsets.UTF_8), 0, keep);
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theExampleOfRfc6376Section345() throws Exception {
        assertThat(header("A: X")).isEqualTo("a:X\r\n");
        assertThat(header("B : Y\t\r\n\tZ  ")).isEqualTo("b:Y Z\r\n");
        assertThat(body(" C \r\nD \t E\r\n\r\n\r\n")).isEqualTo(" C\r\nD E\r\n");
    }

    @Test
    void trailingEmptyLinesGoButInnerOnesStayAndAMissingLastCrlfIsAdded() throws Exception {
        assertThat(body("a\r\n\r\n \t\r\nb\r\n\r\n")).isEqualTo("a\r\n\r\n\r\nb\r\n");
        assertThat(body("last line")).isEqualTo("last line\r\n");
        assertThat(body("")).isEmpty();
        assertThat(body("\r\n\r\n")).isEmpty();
        assertThat(body("ü  ö \r\n")).isEqualTo("ü ö\r\n");
    }

    @Test
    void aLongBodyIsFedInRunsAndComesOutTheSame() throws Exception {
        String line = "x".repeat(997) + "  y \r\n";
        String expected = ("x".repeat(997) + " y\r\n").repeat(50);
        assertThat(body(line.repeat(50) + "\r\n\r\n")).isEqualTo(expected);
    }

    @Test
    void headerFieldsAreFoundWithTheirContinuationLinesAndTheBodyAfterTheEmptyLine() {
        byte[] m = "From: a@b.test\r\nSubject: one\r\n two\r\nTo: c@d.test\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        HeaderFields h = HeaderFields.of(m);
        assertThat(h.fields()).hasSize(3);
        assertThat(new String(m, h.fields().get(1).start(), h.fields().get(1).end() - h.fields().get(1).start(),
                StandardCharsets.US_ASCII)).isEqualTo("Subject: one\r\n two");
        assertThat(new String(m, h.bodyStart(), m.length - h.bodyStart(), StandardCharsets.US_ASCII)).isEqualTo("body\r\n");
        assertThat(DkimSigner.fromDomain(m, h)).isEqualTo("b.test");
        assertThat(DkimSigner.signedNames(m, h)).isEqualTo(List.of("from", "from", "subject", "subject", "to", "to"));
    }

    @Test
    void theFromDomainIsReadFromTheAngleAddressInA_Labels() {
        byte[] m = "From: \"Jörg (x@y)\" <jörg@Bücher.example>\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(DkimSigner.fromDomain(m, HeaderFields.of(m))).isEqualTo("xn--bcher-kva.example");
    }
}
