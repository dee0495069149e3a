package tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tern.address.Mailbox;
import tern.envelope.Body;
import tern.envelope.Notify;
import tern.envelope.Ret;
import tern.testing.SmtpTestClient;
import tern.testing.SmtpTestClient.Reply;

/** Real SMTP over loopback against the server, with an in-memory spool. */
class SmtpSessionTest {

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

    private static void expect(Reply reply, int code, String status) {
        assertThat(reply.code()).as(reply.toString()).isEqualTo(code);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
    }

    private static Reply send(SmtpTestClient c, String line) {
        return c.command(line).read();
    }

    // ---- greeting, EHLO, simple commands ----------------------------------------------------

    @Test
    void greetsWithFqdnAndAdvertisesTheExtensions() {
        try (SmtpTestClient c = SmtpTestClient.connect(fixture.address())) {
            assertThat(c.expect(220).lines()).containsExactly("mx.tern.test ESMTP Tern");
            Reply ehlo = c.expect("EHLO client.example", 250);
            assertThat(ehlo.lines().getFirst()).isEqualTo("mx.tern.test");
            assertThat(ehlo.lines()).contains("PIPELINING", "SIZE 10000", "8BITMIME", "SMTPUTF8",
                    "ENHANCEDSTATUSCODES", "CHUNKING", "BINARYMIME", "DSN");
            assertThat(c.expect("HELO client.example", 250).lines()).containsExactly("mx.tern.test");
        }
    }

    @Test
    void answersNoopRsetVrfyHelpAndQuit() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "NOOP"), 250, "2.0.0");
            expect(send(c, "RSET"), 250, "2.0.0");
            expect(send(c, "VRFY someone"), 252, "2.5.0");
            expect(send(c, "HELP"), 214, "2.0.0");
            expect(send(c, "QUIT"), 221, "2.0.0");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void refusesUnknownCommandsAndBadSyntax() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "FROB"), 500, "5.5.1");
            expect(send(c, "MAIL <a@b.example>"), 501, "5.5.4");
            expect(send(c, "MAIL FROM:<not an address>"), 501, "5.1.7");
            expect(send(c, "MAIL FROM:<a@b.example> FROB=1"), 555, "5.5.4");
            expect(send(c, "MAIL FROM:<a@b.example>"), 250, "2.1.0");
            expect(send(c, "RCPT TO:<@@>"), 501, "5.1.3");
            expect(send(c, "RCPT TO:<>"), 501, "5.1.3");
            expect(send(c, "RCPT TO:<a@tern.test> NOTIFY=NEVER,SUCCESS"), 501, "5.5.4");
            expect(send(c, "RCPT TO:<a@tern.test> XYZZY"), 555, "5.5.4");
            expect(send(c, "EHLO"), 501, "5.5.4");
        }
    }

    @Test
    void commandsOutOfSequenceGet503() {
        try (SmtpTestClient c = fixture.connect()) {
            expect(send(c, "MAIL FROM:<a@b.example>"), 503, "5.5.1");
            c.expect("EHLO client.example", 250);
            expect(send(c, "RCPT TO:<a@tern.test>"), 503, "5.5.1");
            expect(send(c, "DATA"), 503, "5.5.1");
            expect(send(c, "MAIL FROM:<a@b.example>"), 250, "2.1.0");
            expect(send(c, "MAIL FROM:<a@b.example>"), 503, "5.5.1");
            // RFC 5321 3.3: DATA without any accepted recipient
            expect(send(c, "DATA"), 554, "5.5.1");
        }
    }

    // ---- a whole message -------------------------------------------------------------------

    @Test
    void queuesTheMessageWithOurReceivedHeaderAndAnswersWithItsId() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<sender@b.example> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=env+2Bid", 250);
            c.expect("RCPT TO:<User@tern.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;User+40tern.test", 250);
            c.expect("DATA", 354);
            c.send("Subject: hi\r\n\r\nHello\r\n.\r\n");
            Reply queued = c.expect(250);
            assertThat(queued.status()).isEqualTo("2.0.0");
            var stored = spool.messages().getFirst();
            assertThat(queued.text()).isEqualTo("2.0.0 Ok: queued as " + stored.envelope().id());
            var env = stored.envelope();
            assertThat(env.reversePath().mailbox()).isEqualTo(new Mailbox("sender", "b.example"));
            assertThat(env.recipients()).hasSize(1);
            assertThat(env.recipients().getFirst().address()).isEqualTo(new Mailbox("User", "tern.test"));
            assertThat(env.recipients().getFirst().notifyOn()).isEqualTo(Set.of(Notify.SUCCESS, Notify.FAILURE));
            assertThat(env.recipients().getFirst().orcpt()).isEqualTo("rfc822;User+40tern.test");
            assertThat(env.body()).isEqualTo(Body.EIGHT_BIT_MIME);
            assertThat(env.ret()).isEqualTo(Ret.HDRS);
            assertThat(env.envId()).isEqualTo("env+id");
            assertThat(env.declaredSize()).isEqualTo(100);
            assertThat(env.heloName()).isEqualTo("client.example");
            assertThat(env.clientAddress()).isEqualTo("127.0.0.1");
            assertThat(stored.text()).isEqualTo("Received: from client.example ([127.0.0.1])\r\n"
                    + "\tby mx.tern.test with ESMTP id " + env.id() + "\r\n"
                    + "\tfor <User@tern.test>; Tue, 3 Jun 2025 11:05:30 +0000\r\n"
                    + "Subject: hi\r\nMessage-ID: <20250603110530." + env.id() + "@mx.tern.test>\r\n"
                    + "Date: Tue, 3 Jun 2025 11:05:30 +0000\r\n\r\nHello\r\n"); // added: a trusted client
        }
    }

    @Test
    void namesNoRecipientInReceivedWhenThereAreSeveralAndRecordsDuplicatesOnce() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("RCPT TO:<b@tern.test>", 250);
            c.expect("RCPT TO:<a@TERN.test>", 250);
            c.expect("DATA", 354);
            c.send("\r\n.\r\n");
            c.expect(250);
        }
        var stored = spool.messages().getFirst();
        assertThat(stored.envelope().reversePath().isNull()).isTrue();
        assertThat(stored.envelope().recipients()).extracting(r -> r.address().localPart()).containsExactly("a", "b");
        assertThat(stored.text()).doesNotContain("for <").contains("id " + stored.envelope().id() + ";\r\n\tTue,");
    }

    @Test
    void removesTheFirstDotOfEveryLineThatStartsWithOne() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("..\r\n...leading\r\n.x\r\nend.\r\n.\r\n");
            c.expect(250);
        }
        assertThat(spool.messages().getFirst().body()).endsWith("\r\n\r\n.\r\n..leading\r\nx\r\nend.\r\n");
    }

    @Test
    void answersPipelinedCommandsInOrderWhileTheSpoolAnswersLater() {
        RecordingSpool slow = new RecordingSpool().answeringAfter(50);
        fixture.close();
        fixture = ServerFixture.start(ServerFixture.config(), slow);
        try (SmtpTestClient c = fixture.connect()) {
            c.send("EHLO client.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@tern.test>\r\n"
                    + "RCPT TO:<y@tern.test>\r\nDATA\r\n");
            c.expect(250);
            expect(c.read(), 250, "2.1.0");
            expect(c.read(), 250, "2.1.5");
            expect(c.read(), 250, "2.1.5");
            c.expect(354);
            c.send("Subject: one\r\n\r\nfirst\r\n.\r\nMAIL FROM:<c@b.example>\r\nRCPT TO:<z@tern.test>\r\nDATA\r\n"
                    + "Subject: two\r\n\r\nsecond\r\n.\r\nNOOP\r\nQUIT\r\n");
            assertThat(c.expect(250).text()).contains("queued as");
            expect(c.read(), 250, "2.1.0");
            expect(c.read(), 250, "2.1.5");
            c.expect(354);
            assertThat(c.expect(250).text()).contains("queued as");
            expect(c.read(), 250, "2.0.0");
            c.expect(221);
        }
        assertThat(slow.messages()).hasSize(2);
        assertThat(slow.messages().get(0).body()).startsWith("Subject: one\r\n").endsWith("\r\n\r\nfirst\r\n");
        assertThat(slow.messages().get(1).body()).startsWith("Subject: two\r\n").endsWith("\r\n\r\nsecond\r\n");
    }

    // ---- line endings and smuggling --------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\r\n.\n", "\n.\r\n"})
    void neverEndsDataAtABareLineEndSoNoSecondMessageCanBeSmuggled(String fakeEnd) {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: first\r\n\r\nbody" + fakeEnd
                    + "MAIL FROM:<evil@b.example>\r\nRCPT TO:<victim@tern.test>\r\nDATA\r\n"
                    + "Subject: smuggled\r\n\r\nsmuggled\r\n.\r\n");
            expect(c.read(), 554, "5.6.0");
            expect(send(c, "NOOP"), 250, "2.0.0");
        }
        assertThat(spool.messages()).isEmpty();
    }

    @Test
    void refusesACommandLineWithABareCrOrLf() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.send("NOOP\nNOOP\r\n");
            expect(c.read(), 500, "5.5.2");
            c.send("NOOP\rNOOP\r\n");
            expect(c.read(), 500, "5.5.2");
            expect(send(c, "NOOP"), 250, "2.0.0");
        }
    }

    @Test
    void acceptsCommandLinesUpTo2048OctetsAndClosesOnALongerOne() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "NOOP " + "x".repeat(505)), 250, "2.0.0"); // 512 with CRLF: RFC 5321's least
            expect(send(c, "NOOP " + "x".repeat(2041)), 250, "2.0.0"); // 2048 with CRLF: the limit itself
            expect(send(c, "NOOP " + "x".repeat(2042)), 500, "5.5.2");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aCommandLineThatNeverEndsIsAnsweredAndClosedAfter2048Octets() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.send("MAIL FROM:<" + "a".repeat(3000)); // no CRLF, ever
            expect(c.read(), 500, "5.5.2");
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    @Test
    void expnAndEtrnAreNotImplemented() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "EXPN staff"), 502, "5.5.1");
            expect(send(c, "ETRN example.org"), 502, "5.5.1");
            expect(send(c, "FROB"), 500, "5.5.1");
        }
    }

    @Test
    void refusesAMessageWithATextLineOver1000OctetsAfterReadingItAll() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("x".repeat(998) + "\r\n" + "y".repeat(999) + "\r\nmore\r\n.\r\n");
            expect(c.read(), 500, "5.5.2");
            expect(send(c, "NOOP"), 250, "2.0.0");
        }
        assertThat(spool.messages()).isEmpty();
    }

    // ---- limits --------------------------------------------------------------------------

    @Test
    void refusesADeclaredSizeOverTheLimitAtMail() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "MAIL FROM:<a@b.example> SIZE=10001"), 552, "5.3.4");
            expect(send(c, "MAIL FROM:<a@b.example> SIZE=10000"), 250, "2.1.0");
        }
    }

    @Test
    void refusesAMessageLargerThanTheLimitAfterItsEnd() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send(("y".repeat(98) + "\r\n").repeat(101) + ".\r\n");
            expect(c.read(), 552, "5.3.4");
            expect(send(c, "MAIL FROM:<a@b.example>"), 250, "2.1.0");
        }
        assertThat(spool.messages()).isEmpty();
    }

    @Test
    void refusesRecipientsBeyondTheMaximum() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            for (int i = 0; i < 5; i++) {
                c.expect("RCPT TO:<r" + i + "@tern.test>", 250);
            }
            expect(send(c, "RCPT TO:<r5@tern.test>"), 452, "4.5.3");
            expect(send(c, "RCPT TO:<r0@tern.test>"), 250, "2.1.5"); // a duplicate is no new recipient
        }
    }

    @Test
    void refusesConnectionsBeyondTheMaximum() {
        fixture.close();
        fixture = ServerFixture.start(ServerFixture.config(10_000, 5, 2, Duration.ofMinutes(1),
                List.of("127.0.0.0/8"), List.of()), spool);
        try (SmtpTestClient a = fixture.connect(); SmtpTestClient b = fixture.connect();
             SmtpTestClient c = SmtpTestClient.connect(fixture.address())) {
            expect(c.read(), 421, "4.3.2");
            assertThat(c.isClosedByServer()).isTrue();
            expect(send(a, "NOOP"), 250, "2.0.0");
        }
    }

    @Test
    void closesAnIdleSessionWith421() {
        fixture.close();
        fixture = ServerFixture.start(ServerFixture.config(10_000, 5, 50, Duration.ofMillis(300),
                List.of("127.0.0.0/8"), List.of()), spool);
        try (SmtpTestClient c = fixture.greeted()) {
            expect(c.read(), 421, "4.4.2"); // arrives on its own after 300 ms of silence
            assertThat(c.isClosedByServer()).isTrue();
        }
    }

    // ---- hop count -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {99, 100})
    void acceptsAMessageWithUpToMaxHopCountReceivedFields(int hops) {
        assertThat(sendWithReceivedFields(hops).code()).isEqualTo(250);
        assertThat(spool.messages()).hasSize(1);
    }

    @Test
    void refusesAMessageWithMoreReceivedFieldsThanMaxHopCount() {
        Reply reply = sendWithReceivedFields(101);
        expect(reply, 554, "5.4.6");
        assertThat(spool.messages()).isEmpty();
    }

    private Reply sendWithReceivedFields(int hops) {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Received: from x by y; Tue, 3 Jun 2025 11:00:00 +0000\r\n".repeat(hops)
                    + "Subject: loop\r\n\r\nReceived: in the body does not count\r\n.\r\n");
            return c.read();
        }
    }

    // ---- BDAT ------------------------------------------------------------------------------

    @Test
    void takesAMessageInBdatChunks() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example> BODY=BINARYMIME", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.send("BDAT 14\r\nSubject: x\r\n\r\nBDAT 5 LAST\r\n.body");
            expect(c.read(), 250, "2.0.0");
            Reply queued = c.expect(250);
            assertThat(queued.text()).contains("queued as");
        }
        assertThat(spool.messages().getFirst().body()).startsWith("Subject: x\r\n").endsWith("\r\n\r\n.body");
        assertThat(spool.messages().getFirst().envelope().body()).isEqualTo(Body.BINARY_MIME);
    }

    @Test
    void refusesDataAfterBdatAndDataForBinaryMime() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.send("BDAT 3\r\nabc");
            c.expect(250);
            expect(send(c, "DATA"), 503, "5.5.1");
            c.expect("RSET", 250);
            c.expect("MAIL FROM:<a@b.example> BODY=BINARYMIME", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            expect(send(c, "DATA"), 503, "5.5.1");
        }
    }

    @Test
    void readsAndDropsTheChunkOfARefusedBdat() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.send("BDAT 12 LAST\r\nNOOP\r\nNOOP\r\n");
            expect(c.read(), 503, "5.5.1");
            expect(send(c, "NOOP"), 250, "2.0.0"); // the chunk's NOOPs were data, not commands
        }
    }

    @Test
    void capsTheSizeAcrossBdatChunks() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.send("BDAT 6000\r\n" + "a".repeat(998) + "\r\n" + ("b".repeat(998) + "\r\n").repeat(4) + "c".repeat(1000));
            c.expect(250);
            c.send("BDAT 6000 LAST\r\n" + "d".repeat(6000));
            expect(c.read(), 552, "5.3.4");
            expect(send(c, "NOOP"), 250, "2.0.0");
        }
        assertThat(spool.messages()).isEmpty();
    }

    // ---- addresses, UTF-8 and relay -----------------------------------------------------------

    @Test
    void requiresSmtpUtf8ForAnInternationalizedAddress() {
        try (SmtpTestClient c = fixture.greeted()) {
            expect(send(c, "MAIL FROM:<jörg@b.example>"), 553, "5.6.7");
            c.expect("MAIL FROM:<a@b.example>", 250);
            expect(send(c, "RCPT TO:<jörg@tern.test>"), 553, "5.6.7");
            c.expect("RSET", 250);
            c.expect("MAIL FROM:<jörg@b.example> SMTPUTF8", 250);
            c.expect("RCPT TO:<用户@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("Subject: ü\r\n\r\nx\r\n.\r\n");
            c.expect(250);
        }
        var stored = spool.messages().getFirst();
        assertThat(stored.envelope().smtpUtf8()).isTrue();
        assertThat(stored.envelope().recipients().getFirst().address().localPart()).isEqualTo("用户");
        assertThat(stored.text()).contains("with UTF8SMTP id");
    }

    @Test
    void acceptsQuotedLocalPartsLiteralsSourceRoutesAndPostmaster() {
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<@relay.example,@other.example:\"john doe\"@b.example>", 250);
            c.expect("RCPT TO:<Postmaster>", 250);
            c.expect("RCPT TO:<x@[192.0.2.1]>", 250); // loopback may relay
            c.expect("DATA", 354);
            c.send(".\r\n");
            c.expect(250);
        }
        var env = spool.messages().getFirst().envelope();
        assertThat(env.reversePath().mailbox()).isEqualTo(new Mailbox("john doe", "b.example"));
        assertThat(env.recipients()).extracting(r -> r.address().toString())
                .containsExactly("postmaster@mx.tern.test", "x@[192.0.2.1]");
    }

    @Test
    void relaysOnlyForAllowedClientsOrDomains() {
        fixture.close();
        fixture = ServerFixture.start(ServerFixture.config(10_000, 5, 50, Duration.ofMinutes(1),
                List.of("192.0.2.0/24"), List.of("partner.example")), spool);
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            expect(send(c, "RCPT TO:<x@elsewhere.example>"), 554, "5.7.1");
            expect(send(c, "RCPT TO:<x@[127.0.0.1]>"), 554, "5.7.1"); // a literal is never local
            expect(send(c, "RCPT TO:<x@partner.example>"), 250, "2.1.5");
            expect(send(c, "RCPT TO:<x@TERN.TEST>"), 250, "2.1.5");
        }
    }

    // ---- the spool -----------------------------------------------------------------------

    @Test
    void answers452WhenTheSpoolFailsAndTheSessionGoesOn() {
        spool.failing();
        try (SmtpTestClient c = fixture.greeted()) {
            c.expect("MAIL FROM:<a@b.example>", 250);
            c.expect("RCPT TO:<a@tern.test>", 250);
            c.expect("DATA", 354);
            c.send("x\r\n.\r\n");
            expect(c.read(), 452, "4.3.1");
            expect(send(c, "MAIL FROM:<a@b.example>"), 250, "2.1.0");
        }
    }

    // ---- shutdown ------------------------------------------------------------------------

    @Test
    void shutdownFinishesCommitsInFlightThenSays421() throws Exception {
        spool.holdCommits();
        try (SmtpTestClient busy = fixture.greeted(); SmtpTestClient idle = fixture.greeted()) {
            busy.expect("MAIL FROM:<a@b.example>", 250);
            busy.expect("RCPT TO:<a@tern.test>", 250);
            busy.expect("DATA", 354);
            busy.send("x\r\n.\r\nNOOP\r\n");
            long until = System.nanoTime() + 5_000_000_000L;
            while (spool.commitsWaiting() == 0 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(spool.commitsWaiting()).isEqualTo(1);
            Thread stopper = Thread.ofVirtual().start(() -> fixture.server.shutdown(Duration.ofSeconds(5)));
            expect(idle.read(), 421, "4.3.2");
            assertThat(idle.isClosedByServer()).isTrue();
            spool.releaseCommits();
            assertThat(busy.expect(250).text()).contains("queued as");
            expect(busy.read(), 421, "4.3.2");
            assertThat(busy.isClosedByServer()).isTrue();
            stopper.join(10_000);
            assertThat(stopper.isAlive()).isFalse();
        }
        assertThat(spool.messages()).hasSize(1);
    }
}
