package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tern.testing.RequiredTool;

/**
 * Real clients against the server started in-process: Python's smtplib and swaks. On CI
 * (CI=true) a missing client fails the test; locally it is skipped.
 */
class ClientInteropTest {

    private RecordingSpool spool;
    private ServerFixture fixture;

    @BeforeEach
    void start() {
        spool = new RecordingSpool();
        fixture = ServerFixture.start(ServerFixture.config(), spool);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void pythonSmtplibDeliversAMessage() throws Exception {
        RequiredTool.python3("smtplib");
        String script = """
                import smtplib, sys
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='py.client.example', timeout=10)
                s.ehlo()
                assert s.has_extn('pipelining') and s.has_extn('size') and s.has_extn('smtputf8')
                refused = s.sendmail('py@b.example', ['one@tern.test', 'two@tern.test'],
                    'Subject: from python\\r\\n\\r\\n.leading dot\\r\\nbody\\r\\n', mail_options=['BODY=8BITMIME'])
                assert not refused, refused
                code, _ = s.noop()
                assert code == 250
                s.quit()
                """;
        Result r = run(List.of("python3", "-c", script, String.valueOf(fixture.address().getPort())));
        assertThat(r.exit()).as(r.output()).isZero();
        var stored = spool.messages().getFirst();
        assertThat(stored.envelope().reversePath().toString()).isEqualTo("py@b.example");
        assertThat(stored.envelope().recipients()).extracting(x -> x.address().toString())
                .containsExactly("one@tern.test", "two@tern.test");
        assertThat(stored.envelope().heloName()).isEqualTo("py.client.example");
        assertThat(stored.body()).startsWith("Subject: from python\r\n").endsWith("\r\n\r\n.leading dot\r\nbody\r\n");
    }

    @Test
    void swaksDeliversAMessageWithPipelining() throws Exception {
        RequiredTool.swaks("Socket Transport");
        Result r = run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(fixture.address().getPort()),
                "--helo", "swaks.client.example", "--from", "swaks@b.example", "--to", "rcpt@tern.test",
                "--header", "Subject: from swaks", "--body", "hello from swaks", "--pipeline",
                "--timeout", "10"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("250 2.0.0 Ok: queued as");
        var stored = spool.messages().getFirst();
        assertThat(stored.envelope().reversePath().toString()).isEqualTo("swaks@b.example");
        assertThat(stored.envelope().recipients()).extracting(x -> x.address().toString())
                .containsExactly("rcpt@tern.test");
        assertThat(stored.text()).contains("Subject: from swaks").contains("hello from swaks")
                .startsWith("Received: from swaks.client.example ([127.0.0.1])");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
