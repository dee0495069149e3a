package tern.bench;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tern.dkim.DkimSigner;
import tern.dkim.SigningKey;

/**
 * DKIM signing of one accepted message: a 1 KB and a 50 KB message (text lines of 76
 * octets, a few header fields), with an RSA-2048 and an Ed25519 key.
 *
 * <p>{@code sign}: one op = {@link DkimSigner#sign} (relaxed body canonicalisation and its
 * SHA-256, the header fields, the signature itself, the copy with the field in front).
 * {@code bodyHash}: the canonicalisation and hash of the body alone (SHA-256 of the message
 * bytes, to compare), so that sign minus bodyHash is about the signature's cost. Average time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class DkimBenchmark {

    @Param({"1024", "51200"})
    public int size;

    @Param({"rsa", "ed25519"})
    public String algorithm;

    private DkimSigner signer;
    private byte[] message;
    private final Instant now = Instant.parse("2026-01-02T03:04:05Z");

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(algorithm.equals("rsa") ? "RSA" : "Ed25519");
        if (algorithm.equals("rsa")) {
            gen.initialize(2048);
        }
        signer = new DkimSigner(List.of(SigningKey.of("example.test", "s1", gen.generateKeyPair().getPrivate())));
        StringBuilder m = new StringBuilder(size + 512);
        m.append("Received: from client.example ([127.0.0.1])\r\n\tby mx.example.test with ESMTP id 0ABC;"
                + " Fri, 2 Jan 2026 03:04:05 +0000\r\n");
        m.append("From: Alice <alice@example.test>\r\nTo: Bob <bob@b.example>\r\nSubject: a benchmark message\r\n");
        m.append("Date: Fri, 2 Jan 2026 03:04:05 +0000\r\nMessage-ID: <20260102030405.0ABC@mx.example.test>\r\n");
        m.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
        String line = "The quick brown fox jumps over the lazy dog, then   over it again, and again.\r\n";
        while (m.length() < size) {
            m.append(line);
        }
        message = m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] sign() {
        return signer.sign(message, now);
    }

    @Benchmark
    public byte[] sha256OfTheMessage() throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(message);
    }
}
