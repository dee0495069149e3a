package tern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tern.dkim.SigningKey;

class DkimCommandTest {
    @TempDir
    Path dir;

    private CapturedTerminal terminal;

    private int run(String... args) {
        terminal = new CapturedTerminal(dir);
        return terminal.run(args);
    }

    /** The p= of the printed record, its quoted strings joined as DKIM joins them. */
    private String publishedKey() {
        String text = terminal.out();
        StringBuilder record = new StringBuilder();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(text);
        while (m.find()) {
            record.append(m.group(1));
        }
        return record.substring(record.indexOf("p=") + 2);
    }

    @Test
    void keygenWritesAPrivateKeyTheTxtRecordMatches() throws Exception {
        for (String algorithm : new String[] {"rsa", "ed25519"}) {
            assertThat(run("dkim", "keygen", "example.test", "s" + algorithm, "--algorithm", algorithm))
                    .as(terminal.err()).isEqualTo(Exit.OK);
            Path file = dir.resolve("dkim-s" + algorithm + ".example.test.pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(terminal.out()).contains("s" + algorithm + "._domainkey.example.test. IN TXT")
                    .contains("k=" + algorithm).contains("dkim:");
            SigningKey key = SigningKey.fromPem("example.test", "s" + algorithm, Files.readString(file));

            byte[] p = Base64.getDecoder().decode(publishedKey());
            PublicKey published = algorithm.equals("rsa")
                    ? KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p))
                    : KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                            concat(HexFormat.of().parseHex("302a300506032b6570032100"), p)));
            String jca = algorithm.equals("rsa") ? "SHA256withRSA" : "Ed25519";
            Signature signer = Signature.getInstance(jca);
            signer.initSign(key.key());
            signer.update("proof".getBytes(StandardCharsets.US_ASCII));
            Signature verifier = Signature.getInstance(jca);
            verifier.initVerify(published);
            verifier.update("proof".getBytes(StandardCharsets.US_ASCII));
            assertThat(verifier.verify(signer.sign())).as(algorithm).isTrue();
        }
    }

    @Test
    void keygenNeverOverwritesAKey() throws Exception {
        Files.writeString(dir.resolve("dkim-s1.example.test.pem"), "keep me");
        assertThat(run("dkim", "keygen", "example.test", "s1")).isEqualTo(Exit.FAILURE);
        assertThat(Files.readString(dir.resolve("dkim-s1.example.test.pem"))).isEqualTo("keep me");
        assertThat(run("dkim", "keygen", "not a domain", "s1")).isEqualTo(Exit.USAGE);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
