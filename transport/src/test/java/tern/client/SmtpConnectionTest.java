package tern.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;
import tern.envelope.Body;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.testing.ScriptedSmtpServer;
import tern.testing.ScriptedSmtpServer.Verb;
import tern.testing.SelfSignedCertificate;

class SmtpConnectionTest {
    private static final ClientSettings PLAIN = new ClientSettings("relay.tern.test", Duration.ofSeconds(5),
            TernConfig.OutboundTls.OPPORTUNISTIC, null, TernConfig.SmartHostAuth.NONE);
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nHello\r\n".getBytes(StandardCharsets.US_ASCII);

    private static Recipient rcpt(String address) {
        int at = address.indexOf('@');
        return Recipient.of(new Mailbox(address.substring(0, at), address.substring(at + 1)));
    }

    private static Transaction transaction(byte[] message, String... recipients) {
        return Transaction.of(ReversePath.of(new Mailbox("sender", "tern.test")),
                java.util.Arrays.stream(recipients).map(SmtpConnectionTest::rcpt).toList(), message);
    }

    @Test
    void saysEhloWithTheConfiguredFqdnAndDeliversAMessage() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult result = c.send(transaction(MESSAGE, "a@example.test"));

            assertThat(result.delivered()).hasSize(1);
            assertThat(result.dataReply().code()).isEqualTo(250);
            c.close();
            var received = server.transactions().getFirst();
            assertThat(received.heloName()).isEqualTo("relay.tern.test");
            assertThat(received.reversePath()).isEqualTo("sender@tern.test");
            assertThat(received.data()).isEqualTo(MESSAGE);
            assertThat(server.commandLines(1)).first().isEqualTo("EHLO relay.tern.test");
            assertThat(server.commandLines(1)).last().isEqualTo("QUIT");
        }
    }

    @Test
    void fallsBackToHeloWhenEhloIsRefusedWith5xx() throws Exception {
        try (var server = ScriptedSmtpServer.builder().rejectEhlo().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.extensions()).isEqualTo(EhloExtensions.NONE);
            assertThat(c.send(transaction(MESSAGE, "a@example.test")).delivered()).hasSize(1);
            assertThat(server.commandLines(1)).startsWith("EHLO relay.tern.test", "HELO relay.tern.test");
            assertThat(server.transactions().getFirst().mailParameters()).isEmpty();
        }
    }

    @Test
    void parsesEhloExtensions() throws Exception {
        try (var server = ScriptedSmtpServer.builder().size(1000).auth("u", "p").advertise("CHUNKING")
                .startTls(SelfSignedCertificate.serverContext()).start();
             var c = SmtpConnection.open(server.address(), PLAIN.withTls(TernConfig.OutboundTls.OFF, null))) {
            EhloExtensions e = c.extensions();
            assertThat(e.sizeLimit()).isEqualTo(1000);
            assertThat(e.pipelining() && e.eightBitMime() && e.smtpUtf8() && e.dsn() && e.chunking()
                    && e.enhancedStatusCodes() && e.startTls()).isTrue();
            assertThat(e.authMechanisms()).containsExactlyInAnyOrder("PLAIN", "LOGIN");
        }
    }

    @Test
    void pipeliningSendsMailAllRcptsAndDataInOneWrite() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(transaction(MESSAGE, "a@example.test", "b@example.test"));

            var mail = server.commands().stream().filter(x -> x.line().startsWith("MAIL")).findFirst().orElseThrow();
            var lastRcpt = server.commands().stream().filter(x -> x.line().startsWith("RCPT")).reduce((a, b) -> b).orElseThrow();
            var data = server.commands().stream().filter(x -> x.line().equals("DATA")).findFirst().orElseThrow();
            assertThat(mail.moreWaiting()).as("RCPTs arrived with MAIL").isTrue();
            assertThat(lastRcpt.moreWaiting()).as("DATA arrived with the RCPTs (RFC 2920 3.1)").isTrue();
            assertThat(data.moreWaiting()).isFalse();
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void withoutPipeliningEachCommandWaitsForItsReply() throws Exception {
        try (var server = ScriptedSmtpServer.builder().without("PIPELINING").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(transaction(MESSAGE, "a@example.test", "b@example.test"));

            assertThat(server.commands()).filteredOn(x -> x.line().startsWith("MAIL") || x.line().startsWith("RCPT"))
                    .hasSize(3).allSatisfy(x -> assertThat(x.moreWaiting()).isFalse());
            assertThat(server.messages()).hasSize(1);
        }
    }

    @Test
    void oneRefusedRecipientDoesNotStopTheOthers() throws Exception {
        try (var server = ScriptedSmtpServer.builder().rcpt("nobody@example.test", "550 5.1.1 No such user").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult r = c.send(transaction(MESSAGE, "a@example.test", "nobody@example.test", "b@example.test"));

            assertThat(r.recipients()).extracting(x -> x.reply().code()).containsExactly(250, 550, 250);
            assertThat(r.failed().getFirst().reply().status()).isEqualTo("5.1.1");
            assertThat(server.messages().getFirst().accepted()).containsExactly("a@example.test", "b@example.test");
        }
    }

    @Test
    void whenEveryRecipientIsRefusedTheClientResetsAndSendsNoData() throws Exception {
        try (var server = ScriptedSmtpServer.builder().without("PIPELINING").on(Verb.RCPT, e -> "450 4.2.0 Mailbox busy").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult r = c.send(transaction(MESSAGE, "a@example.test", "b@example.test"));

            assertThat(r.dataReply()).isNull();
            assertThat(r.deferred()).hasSize(2);
            assertThat(server.commandLines(1)).doesNotContain("DATA").contains("RSET");
            assertThat(c.isUsable()).isTrue();
        }
    }

    @Test
    void whenEveryPipelinedRecipientIsRefusedTheRefusedDataSendsNoMessageAndTheClientResets() throws Exception {
        try (var server = ScriptedSmtpServer.builder().on(Verb.RCPT, e -> "450 4.2.0 Mailbox busy").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult r = c.send(transaction(MESSAGE, "a@example.test", "b@example.test"));
            TransactionResult next = c.send(transaction(MESSAGE, "c@example.test"));

            assertThat(r.dataReply()).isNull();
            assertThat(r.deferred()).hasSize(2);
            assertThat(server.messages()).isEmpty();
            assertThat(server.commandLines(1)).contains("RSET");
            assertThat(next.deferred()).hasSize(1);
            assertThat(c.isUsable()).isTrue();
        }
    }

    @Test
    void aTransientReplyAfterTheMessageAppliesToEveryAcceptedRecipient() throws Exception {
        try (var server = ScriptedSmtpServer.builder().failFirst(Verb.MESSAGE, 1, "451 4.3.0 Try again later").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult first = c.send(transaction(MESSAGE, "a@example.test", "b@example.test"));
            TransactionResult second = c.send(transaction(MESSAGE, "a@example.test"));

            assertThat(first.deferred()).hasSize(2);
            assertThat(first.dataReply().status()).isEqualTo("4.3.0");
            assertThat(second.delivered()).hasSize(1);
        }
    }

    @Test
    void aTransientGreetingIsReportedSoTheCallerCanTryTheNextMx() throws Exception {
        try (var server = ScriptedSmtpServer.builder().greeting("421 4.3.2 Too busy").start()) {
            assertThatThrownBy(() -> SmtpConnection.open(server.address(), PLAIN))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpException.Stage.GREETING);
                        assertThat(e.fromPeer()).isTrue();
                        assertThat(e.reply().code()).isEqualTo(421);
                        assertThat(e.isPermanent()).isFalse();
                    });
        }
    }

    @Test
    void aRefusedConnectionIsATransientFailure() throws Exception {
        // A port held by a socket that is bound but not listening: the connection is refused,
        // and no other test or process can take the port meanwhile.
        try (var bound = new java.net.Socket()) {
            bound.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            var address = new java.net.InetSocketAddress("127.0.0.1", bound.getLocalPort());

            assertThatThrownBy(() -> SmtpConnection.open(address, PLAIN))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpException.Stage.CONNECT);
                        assertThat(e.reply().status()).isEqualTo("4.4.1");
                    });
        }
    }

    @Test
    void aMessageLargerThanThePeersSizeFailsPermanentlyWithoutBeingSent() throws Exception {
        try (var server = ScriptedSmtpServer.builder().size(10).start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult r = c.send(transaction(MESSAGE, "a@example.test"));

            assertThat(r.failed()).singleElement().satisfies(x -> assertThat(x.reply().status()).isEqualTo("5.3.4"));
            assertThat(server.commandLines(1)).noneMatch(l -> l.startsWith("MAIL") || l.equals("DATA"));
            assertThat(c.send(transaction("x\r\n".getBytes(StandardCharsets.US_ASCII), "a@example.test")).delivered())
                    .as("the connection is still clean").hasSize(1);
            assertThat(server.transactions().getFirst().mailParameters()).contains("SIZE=3");
        }
    }

    @Test
    void anEightBitMessageIsNeverSentToAPeerWithout8bitmime() throws Exception {
        byte[] eightBit = "Subject: caf\u00e9\r\n\r\nna\u00efve\r\n".getBytes(StandardCharsets.UTF_8);
        try (var server = ScriptedSmtpServer.builder().without("8BITMIME").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult r = c.send(transaction(eightBit, "a@example.test"));

            assertThat(r.failed()).singleElement().satisfies(x -> assertThat(x.reply().status()).isEqualTo("5.6.3"));
            assertThat(server.commandLines(1)).noneMatch(l -> l.startsWith("MAIL"));
        }
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(transaction(eightBit, "a@example.test"));
            assertThat(server.messages().getFirst().mailParameters()).contains("BODY=8BITMIME");
            assertThat(server.messages().getFirst().data()).isEqualTo(eightBit);
        }
    }

    @Test
    void aMessageThatNeedsSmtputf8IsNotDowngradedForAPeerWithoutIt() throws Exception {
        Transaction t = Transaction.of(ReversePath.of(new Mailbox("sender", "tern.test")),
                List.of(Recipient.of(new Mailbox("j\u00f6rg", "example.test"))), MESSAGE);
        try (var server = ScriptedSmtpServer.builder().without("SMTPUTF8").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.send(t).failed()).singleElement()
                    .satisfies(x -> assertThat(x.reply().status()).isEqualTo("5.6.7"));
        }
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.send(t).delivered()).hasSize(1);
            assertThat(server.messages().getFirst().mailParameters()).contains("SMTPUTF8");
            assertThat(server.messages().getFirst().accepted()).containsExactly("j\u00f6rg@example.test");
        }
    }

    @Test
    void anInternationalizedAddressToAPeerWithNeitherSmtputf8Nor8bitmimeFailsWith567() throws Exception {
        // An SMTPUTF8 message is 8-bit as well; what stops it is the address, so 5.6.7, not 5.6.3.
        byte[] utf8 = "Subject: gr\u00fc\u00dfe\r\nTo: j\u00f6rg@example.test\r\n\r\nhallo\r\n".getBytes(StandardCharsets.UTF_8);
        Transaction t = new Transaction(ReversePath.of(new Mailbox("sender", "tern.test")),
                List.of(Recipient.of(new Mailbox("j\u00f6rg", "example.test"))), utf8, Body.EIGHT_BIT_MIME, true, null, null);
        try (var server = ScriptedSmtpServer.builder().without("SMTPUTF8", "8BITMIME").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.send(t).failed()).singleElement()
                    .satisfies(x -> assertThat(x.reply().status()).isEqualTo("5.6.7"));
            assertThat(server.commandLines(1)).noneMatch(l -> l.startsWith("MAIL"));
        }
    }

    @Test
    void dsnParametersAreSentOnlyWhenThePeerOffersDsn() throws Exception {
        Transaction t = new Transaction(ReversePath.of(new Mailbox("sender", "tern.test")),
                List.of(new Recipient(new Mailbox("a", "example.test"), Set.of(Notify.FAILURE, Notify.DELAY),
                        "rfc822;a@example.test")), MESSAGE, Body.SEVEN_BIT, false, Ret.HDRS, "id 1+2");
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(t);
            var got = server.messages().getFirst();
            assertThat(got.mailParameters()).contains("RET=HDRS", "ENVID=id+201+2B2");
            assertThat(got.rcptTo()).containsExactly("<a@example.test> NOTIFY=FAILURE,DELAY ORCPT=rfc822;a@example.test");
        }
        try (var server = ScriptedSmtpServer.builder().without("DSN").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(t);
            assertThat(server.messages().getFirst().mailParameters()).noneMatch(p -> p.startsWith("RET") || p.startsWith("ENVID"));
            assertThat(server.messages().getFirst().rcptTo()).containsExactly("<a@example.test>");
        }
    }

    @Test
    void linesStartingWithADotAreDotStuffedOnTheWire() throws Exception {
        byte[] dotted = "Subject: dots\r\n\r\n.\r\n..two\r\n.hidden\r\nend.\r\n".getBytes(StandardCharsets.US_ASCII);
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            c.send(transaction(dotted, "a@example.test"));
            assertThat(server.messages().getFirst().data()).isEqualTo(dotted);
        }
        var wire = new java.io.ByteArrayOutputStream();
        DotStuffing.write(dotted, wire);
        assertThat(wire.toString(StandardCharsets.US_ASCII))
                .isEqualTo("Subject: dots\r\n\r\n..\r\n...two\r\n..hidden\r\nend.\r\n.\r\n");
    }

    @Test
    void startTlsIsUsedWhenOfferedUnderTheOpportunisticPolicyAndEhloIsRepeated() throws Exception {
        try (var server = ScriptedSmtpServer.builder().startTls(SelfSignedCertificate.serverContext()).start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.isTls()).isTrue();
            c.send(transaction(MESSAGE, "a@example.test"));
            assertThat(server.messages().getFirst().tls()).isTrue();
            assertThat(server.commandLines(1)).startsWith("EHLO relay.tern.test", "STARTTLS", "EHLO relay.tern.test");
        }
    }

    @Test
    void opportunisticTlsSendsInPlaintextWhenStartTlsIsNotOffered() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(c.isTls()).isFalse();
            assertThat(c.send(transaction(MESSAGE, "a@example.test")).delivered()).hasSize(1);
        }
    }

    @Test
    void requiredTlsNeverSendsMailInPlaintext() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start()) {
            assertThatThrownBy(() -> SmtpConnection.open(server.address(),
                    PLAIN.withTls(TernConfig.OutboundTls.REQUIRED, null)))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().status()).isEqualTo("4.7.10");
                        assertThat(e.isPermanent()).isFalse();
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("MAIL"));
        }
    }

    @Test
    void verifyChecksTheChainAndTheNameAndNeverFallsBackToPlaintext() throws Exception {
        var anchors = List.of((java.security.cert.X509Certificate) SelfSignedCertificate.certificate());
        try (var server = ScriptedSmtpServer.builder().startTls(SelfSignedCertificate.serverContext()).start()) {
            // Its certificate names localhost and 127.0.0.1: verified for either, with it as a trust anchor.
            try (var c = SmtpConnection.open(new SmtpConnection.Key(server.address(), "localhost",
                    PLAIN.withTls(TernConfig.OutboundTls.VERIFY, ClientTls.verifying(anchors))))) {
                assertThat(c.isVerified()).isTrue();
            }
            try (var c = SmtpConnection.open(server.address(), PLAIN.withTls(TernConfig.OutboundTls.VERIFY,
                    ClientTls.verifying(anchors)))) {
                assertThat(c.isVerified()).as("IP SAN for an address literal").isTrue();
            }
            assertThatThrownBy(() -> SmtpConnection.open(new SmtpConnection.Key(server.address(), "mx.other.test",
                    PLAIN.withTls(TernConfig.OutboundTls.VERIFY, ClientTls.verifying(anchors)))))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().status()).isEqualTo("4.7.5");
                        assertThat(e.reply().toString()).contains("does not name mx.other.test").contains("localhost");
                    });
            assertThatThrownBy(() -> SmtpConnection.open(new SmtpConnection.Key(server.address(), "localhost",
                    PLAIN.withTls(TernConfig.OutboundTls.VERIFY, null))))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().status()).isEqualTo("4.7.5");
                        assertThat(e.reply().toString()).contains("not trusted");
                        assertThat(e.isPermanent()).isFalse();
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("MAIL"));
        }
    }

    @Test
    void verifyWithoutStartTlsDefers() throws Exception {
        try (var server = ScriptedSmtpServer.builder().start()) {
            assertThatThrownBy(() -> SmtpConnection.open(server.address(), PLAIN.withTls(TernConfig.OutboundTls.VERIFY, null)))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().code()).isEqualTo(451);
                        assertThat(e.reply().status()).startsWith("4.7.");
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("MAIL"));
        }
    }

    @Test
    void tlsOffNeverSendsStartTls() throws Exception {
        try (var server = ScriptedSmtpServer.builder().startTls(SelfSignedCertificate.serverContext()).start();
             var c = SmtpConnection.open(server.address(), PLAIN.withTls(TernConfig.OutboundTls.OFF, null))) {
            assertThat(c.isTls()).isFalse();
            assertThat(server.commandLines(1)).doesNotContain("STARTTLS");
        }
    }

    @Test
    void authPlainOverLoopbackWithoutTls() throws Exception {
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret").start();
             var c = SmtpConnection.open(server.address(), PLAIN.withAuth(new TernConfig.SmartHostAuth("tern", "s3cret")).withLoopbackLiteral(true))) {
            assertThat(c.isAuthenticated()).isTrue();
            c.send(transaction(MESSAGE, "a@example.test"));
            assertThat(server.messages().getFirst().authUser()).isEqualTo("tern");
            assertThat(server.commandLines(1)).anyMatch(l -> l.startsWith("AUTH PLAIN "));
        }
    }

    @Test
    void authLoginWhenPlainIsNotOffered() throws Exception {
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret").authMechanisms("LOGIN").start();
             var c = SmtpConnection.open(server.address(), PLAIN.withAuth(new TernConfig.SmartHostAuth("tern", "s3cret")).withLoopbackLiteral(true))) {
            assertThat(c.isAuthenticated()).isTrue();
            assertThat(server.commandLines(1)).contains("AUTH LOGIN");
        }
    }

    @Test
    void rejectedCredentialsAreAPermanentFailureWith578() throws Exception {
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret").start()) {
            assertThatThrownBy(() -> SmtpConnection.open(server.address(),
                    PLAIN.withAuth(new TernConfig.SmartHostAuth("tern", "wrong")).withLoopbackLiteral(true)))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpException.Stage.AUTH);
                        assertThat(e.reply().code()).isEqualTo(535);
                        assertThat(e.reply().status()).isEqualTo("5.7.8");
                        assertThat(e.isPermanent()).isTrue();
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("MAIL"));
        }
    }

    @Test
    void credentialsAreWithheldWithoutTlsFromAHopNotWrittenAsLoopback() throws Exception {
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret").start()) {
            assertThatThrownBy(() -> SmtpConnection.open(new SmtpConnection.Key(server.address(), "smarthost.test",
                    PLAIN.withAuth(new TernConfig.SmartHostAuth("tern", "s3cret")).withRole("smart host"))))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().code()).isEqualTo(451);
                        assertThat(e.reply().status()).startsWith("4.7.");
                        assertThat(e.reply().toString()).contains("credentials withheld").doesNotContain("s3cret");
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("AUTH") || x.line().startsWith("MAIL"));
        }
    }

    @Test
    void credentialsAreWithheldOverUnverifiedTls() throws Exception {
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret")
                .startTls(SelfSignedCertificate.serverContext()).start()) {
            assertThatThrownBy(() -> SmtpConnection.open(new SmtpConnection.Key(server.address(), "localhost",
                    PLAIN.withTls(TernConfig.OutboundTls.REQUIRED, null)
                            .withAuth(new TernConfig.SmartHostAuth("tern", "s3cret")).withRole("smart host"))))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.reply().status()).isEqualTo("4.7.5");
                        assertThat(e.reply().toString()).startsWith("451 4.7.5 smart host certificate not verified")
                                .contains("credentials withheld");
                    });
            assertThat(server.commands()).noneMatch(x -> x.line().startsWith("AUTH") || x.line().startsWith("MAIL"));
        }
    }

    @Test
    void credentialsGoOverVerifiedTls() throws Exception {
        var anchors = List.of((java.security.cert.X509Certificate) SelfSignedCertificate.certificate());
        try (var server = ScriptedSmtpServer.builder().auth("tern", "s3cret")
                .startTls(SelfSignedCertificate.serverContext()).start();
             var c = SmtpConnection.open(new SmtpConnection.Key(server.address(), "localhost",
                     PLAIN.withTls(TernConfig.OutboundTls.VERIFY, ClientTls.verifying(anchors))
                             .withAuth(new TernConfig.SmartHostAuth("tern", "s3cret"))))) {
            assertThat(c.isAuthenticated()).isTrue();
            c.send(transaction(MESSAGE, "a@example.test"));
            assertThat(server.messages().getFirst().tls()).isTrue();
            assertThat(server.messages().getFirst().authUser()).isEqualTo("tern");
        }
    }

    @Test
    void oneConnectionCarriesTwoTransactionsEvenAfterAFailedOne() throws Exception {
        try (var server = ScriptedSmtpServer.builder().failFirst(Verb.MAIL, 1, "451 4.3.0 Not now").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            TransactionResult first = c.send(transaction(MESSAGE, "a@example.test"));
            TransactionResult second = c.send(transaction(MESSAGE, "b@example.test"));

            assertThat(first.deferred()).hasSize(1);
            assertThat(second.delivered()).hasSize(1);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(c.transactions()).isEqualTo(2);
            assertThat(server.commandLines(1)).contains("RSET");
        }
    }

    @Test
    void everyReplyWaitIsBoundedByTheTimeout() throws Exception {
        ClientSettings quick = PLAIN.withTimeout(Duration.ofMillis(300));
        try (var server = ScriptedSmtpServer.builder().hangOnConnect().start()) {
            // The server never says a word: that the call returns at all is the timeout at work.
            assertThatThrownBy(() -> SmtpConnection.open(server.address(), quick))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpException.Stage.GREETING);
                        assertThat(e.reply().status()).isEqualTo("4.4.2");
                    });
        }
        try (var server = ScriptedSmtpServer.builder().reply(Verb.MESSAGE, ScriptedSmtpServer.HANG).start();
             var c = SmtpConnection.open(server.address(), quick)) {
            assertThatThrownBy(() -> c.send(transaction(MESSAGE, "a@example.test")))
                    .isInstanceOfSatisfying(SmtpException.class, e -> {
                        assertThat(e.stage()).isEqualTo(SmtpException.Stage.MESSAGE);
                        assertThat(e.isPermanent()).isFalse();
                    });
            assertThat(c.isUsable()).isFalse();
        }
    }

    @Test
    void serverCanBindOtherLoopbackAddresses() throws Exception {
        try (var server = ScriptedSmtpServer.builder().bind("127.0.0.2").start();
             var c = SmtpConnection.open(server.address(), PLAIN)) {
            assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.2");
            assertThat(c.send(transaction(MESSAGE, "a@example.test")).delivered()).hasSize(1);
        }
    }
}
