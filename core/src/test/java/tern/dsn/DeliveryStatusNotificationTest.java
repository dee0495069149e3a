package tern.dsn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.envelope.Ret;
import tern.queue.QueueId;
import tern.smtp.Reply;

class DeliveryStatusNotificationTest {

    static final Instant ARRIVAL = Instant.parse("2025-11-28T10:00:00Z");
    static final Instant NOW = Instant.parse("2025-11-29T04:18:00Z");
    static final InstantSource CLOCK = InstantSource.fixed(NOW);
    static final QueueId DSN_ID = new QueueId("0DSN0000001");
    static final Mailbox SENDER = new Mailbox("alice", "example.test");
    static final Recipient BOB = new Recipient(new Mailbox("bob", "b.example"), Set.of(), "rfc822;bob+2Btag@b.example");
    static final Recipient CAROL = Recipient.of(new Mailbox("carol", "c.example"));
    static final Recipient DAVE = new Recipient(new Mailbox("dave", "d.example"), Set.of(Notify.SUCCESS), null);

    static final String MESSAGE = "Received: from client.example.test\r\nFrom: Alice <alice@example.test>\r\n"
            + "To: bob@b.example\r\nSubject: Hello\r\nMessage-ID: <m1@example.test>\r\n\r\nHi Bob,\r\nsee you.\r\n";

    final DeliveryStatusNotification.Builder builder = new DeliveryStatusNotification.Builder("mx.example.test", CLOCK);

    static Envelope envelope(ReversePath from, Ret ret, String envId, Recipient... rcpts) {
        return new Envelope(new QueueId("0ORIG000001"), from, List.of(rcpts), Body.SEVEN_BIT, false, ret, envId,
                -1, "127.0.0.1", "client.example.test", ARRIVAL);
    }

    static RecipientStatus failedBob() {
        return RecipientStatus.failed(BOB, new Reply(550, "5.1.1", "<bob@b.example>: no such user"), "mx.b.example",
                NOW.minusSeconds(5));
    }

    @Test
    void nonDeliveryReportHasTheRfc3464Structure() {
        DeliveryStatusNotification dsn = builder.build(DSN_ID,
                envelope(ReversePath.of(SENDER), Ret.FULL, "ENV-42", BOB, CAROL), bytes(MESSAGE),
                List.of(failedBob(), RecipientStatus.failed(CAROL, new Reply(554, null, "rejected"), "mx.c.example", NOW)));
        Parsed p = Parsed.of(dsn.message());

        assertThat(p.headers).containsEntry("From", "Mail Delivery System <MAILER-DAEMON@mx.example.test>")
                .containsEntry("To", "<alice@example.test>")
                .containsEntry("Subject", "Undelivered Mail Returned to Sender")
                .containsEntry("Date", "Sat, 29 Nov 2025 04:18:00 +0000")
                .containsEntry("MIME-Version", "1.0")
                .containsEntry("Auto-Submitted", "auto-replied")
                .containsKey("Message-ID");
        assertThat(p.headers.get("Message-ID")).matches("<[^@<>]+@mx\\.example\\.test>").isEqualTo(dsn.messageId());
        assertThat(p.headers.get("Content-Type")).startsWith("multipart/report; report-type=delivery-status; boundary=\"");
        assertThat(p.parts).hasSize(3);

        Part text = p.parts.get(0);
        assertThat(text.headers).containsEntry("Content-Type", "text/plain; charset=utf-8");
        assertThat(text.body.replace("\r\n    ", " ")).contains("<bob@b.example>: host mx.b.example said: 550 5.1.1 <bob@b.example>: no such user")
                .contains("<carol@c.example>: host mx.c.example said: 554 rejected");

        Part status = p.parts.get(1);
        assertThat(status.headers).containsEntry("Content-Type", "message/delivery-status");
        List<Map<String, String>> groups = status.fieldGroups();
        assertThat(groups).hasSize(3);
        assertThat(groups.get(0)).containsEntry("Reporting-MTA", "dns; mx.example.test")
                .containsEntry("Original-Envelope-Id", "ENV-42")
                .containsEntry("Arrival-Date", "Fri, 28 Nov 2025 10:00:00 +0000");
        assertThat(groups.get(1)).containsEntry("Original-Recipient", "rfc822; bob+tag@b.example")
                .containsEntry("Final-Recipient", "rfc822; bob@b.example")
                .containsEntry("Action", "failed")
                .containsEntry("Status", "5.1.1")
                .containsEntry("Remote-MTA", "dns; mx.b.example")
                .containsEntry("Diagnostic-Code", "smtp; 550 5.1.1 <bob@b.example>: no such user")
                .containsEntry("Last-Attempt-Date", "Sat, 29 Nov 2025 04:17:55 +0000")
                .doesNotContainKey("Will-Retry-Until");
        assertThat(groups.get(2)).containsEntry("Final-Recipient", "rfc822; carol@c.example")
                .containsEntry("Status", "5.0.0")
                .doesNotContainKey("Original-Recipient");

        Part original = p.parts.get(2);
        assertThat(original.headers).containsEntry("Content-Type", "message/rfc822");
        assertThat(original.body).isEqualTo(MESSAGE);
    }

    @Test
    void theDsnEnvelopeHasTheNullReversePathAndGoesToTheOriginalSender() {
        DeliveryStatusNotification dsn = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB),
                bytes(MESSAGE), List.of(failedBob()));
        Envelope e = dsn.envelope();
        assertThat(e.id()).isEqualTo(DSN_ID);
        assertThat(e.reversePath().isNull()).isTrue();
        assertThat(e.recipients()).containsExactly(Recipient.of(SENDER));
        assertThat(e.arrival()).isEqualTo(NOW);
        assertThat(e.declaredSize()).isEqualTo(dsn.message().length);
        assertThat(e.body()).isEqualTo(Body.SEVEN_BIT);
        assertThat(e.smtpUtf8()).isFalse();
    }

    @Test
    void noDsnIsEverBuiltForTheNullReversePath() {
        assertThatThrownBy(() -> builder.build(DSN_ID, envelope(ReversePath.NULL, null, null, BOB), bytes(MESSAGE),
                List.of(failedBob())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null reverse-path");
    }

    @Test
    void withoutEnvidThereIsNoOriginalEnvelopeIdField() {
        Parsed p = Parsed.of(builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB), bytes(MESSAGE),
                List.of(failedBob())).message());
        assertThat(p.parts.get(1).fieldGroups().get(0)).doesNotContainKey("Original-Envelope-Id");
    }

    @Test
    void retHdrsReturnsOnlyTheHeaderSectionAsTextRfc822Headers() {
        Parsed p = Parsed.of(builder.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.HDRS, null, BOB),
                bytes(MESSAGE), List.of(failedBob())).message());
        Part original = p.parts.get(2);
        assertThat(original.headers).containsEntry("Content-Type", "text/rfc822-headers");
        assertThat(original.body).contains("Subject: Hello").contains("Message-ID: <m1@example.test>")
                .doesNotContain("Hi Bob");
    }

    @Test
    void withoutRetSmallMessagesComeBackWholeAndBigOnesAsHeaders() {
        String big = MESSAGE + "x".repeat(70).concat("\r\n").repeat(20);
        var small = new DeliveryStatusNotification.Builder("mx.example.test", CLOCK, big.length() - 1);
        Envelope noRet = envelope(ReversePath.of(SENDER), null, null, BOB);

        Parsed whole = Parsed.of(small.build(DSN_ID, noRet, bytes(MESSAGE), List.of(failedBob())).message());
        assertThat(whole.parts.get(2).headers).containsEntry("Content-Type", "message/rfc822");

        Parsed headers = Parsed.of(small.build(DSN_ID, noRet, bytes(big), List.of(failedBob())).message());
        assertThat(headers.parts.get(2).headers).containsEntry("Content-Type", "text/rfc822-headers");
        assertThat(headers.parts.get(2).body).doesNotContain("xxxx");

        Parsed asked = Parsed.of(small.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.FULL, null, BOB),
                bytes(big), List.of(failedBob())).message());
        assertThat(asked.parts.get(2).body).isEqualTo(big);
    }

    @Test
    void defaultFullReturnLimitIs100Kilobytes() {
        assertThat(DeliveryStatusNotification.DEFAULT_FULL_RETURN_LIMIT).isEqualTo(102_400);
    }

    @Test
    void delayedRecipientsCarryWillRetryUntil() {
        Instant until = ARRIVAL.plus(Duration.ofDays(2));
        RecipientStatus delayed = RecipientStatus.delayed(CAROL, new Reply(451, "4.3.0", "try again later"),
                "mx.c.example", NOW, until);
        DeliveryStatusNotification dsn = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, CAROL),
                bytes(MESSAGE), List.of(delayed));
        Parsed p = Parsed.of(dsn.message());
        assertThat(dsn.subject()).isEqualTo("Delayed Mail (still being retried)");
        assertThat(p.headers).containsEntry("Subject", "Delayed Mail (still being retried)");
        assertThat(p.parts.get(1).fieldGroups().get(1)).containsEntry("Action", "delayed")
                .containsEntry("Status", "4.3.0")
                .containsEntry("Will-Retry-Until", "Sun, 30 Nov 2025 10:00:00 +0000");
        assertThat(p.parts.get(0).body).contains("Still trying until Sun, 30 Nov 2025 10:00:00 +0000.");
    }

    @Test
    void aDelayedRecipientWithoutWillRetryUntilIsRefused() {
        assertThatThrownBy(() -> new RecipientStatus(CAROL, Action.DELAYED, StatusCode.TRANSIENT, null, null, null, NOW, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RecipientStatus(CAROL, Action.FAILED, StatusCode.DELIVERED, null, null, null, NOW, null))
                .hasMessageContaining("does not fit");
    }

    @Test
    void successReportNamesDeliveredRecipients() {
        DeliveryStatusNotification dsn = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.HDRS, null, DAVE),
                bytes(MESSAGE), List.of(RecipientStatus.delivered(DAVE, Action.RELAYED,
                        new Reply(250, "2.0.0", "Ok: queued as 123"), "mx.d.example", NOW)));
        Parsed p = Parsed.of(dsn.message());
        assertThat(p.headers).containsEntry("Subject", "Successful Mail Delivery Report");
        assertThat(p.parts.get(1).fieldGroups().get(1)).containsEntry("Action", "relayed").containsEntry("Status", "2.0.0");
    }

    @Test
    void aRecipientThatExpiredAfterA451QuotesOnlyTheReplyTheServerSentAndKeepsItsClass() {
        var last = new tern.outcome.RemoteReply(new Reply(451, "4.3.0", "Try again later"), "mx.b.example", "[192.0.2.1]:25");
        var expired = tern.outcome.LocalDecision.gaveUp(tern.outcome.LocalDecision.Reason.EXPIRED,
                "delivery time expired after 2d", last);
        byte[] raw = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB), bytes(MESSAGE),
                List.of(RecipientStatus.of(BOB, Action.FAILED, expired, NOW, null))).message();
        Parsed p = Parsed.of(raw);

        assertThat(p.parts.get(1).fieldGroups().get(1)).containsEntry("Action", "failed")
                .containsEntry("Status", "4.3.0")
                .containsEntry("Remote-MTA", "dns; mx.b.example")
                .containsEntry("Diagnostic-Code", "smtp; 451 4.3.0 Try again later");
        assertThat(p.parts.get(0).body.replace("\r\n    ", " "))
                .contains("<bob@b.example>: delivery time expired after 2d; host mx.b.example said: 451 4.3.0 Try again later");
        assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("554", "5.4.7");
    }

    @Test
    void aDecisionOfOursIsReportedAsXTernWithoutRemoteMta() {
        var refused = new tern.outcome.LocalDecision(tern.outcome.LocalDecision.Reason.CONNECTION_FAILED,
                new Reply(451, "4.4.1", "connection refused by [192.0.2.1]:25"), "[192.0.2.1]:25", null);
        var expired = tern.outcome.LocalDecision.gaveUp(tern.outcome.LocalDecision.Reason.EXPIRED,
                "delivery time expired after 2d", refused);
        byte[] raw = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB), bytes(MESSAGE),
                List.of(RecipientStatus.of(BOB, Action.FAILED, expired, NOW, null))).message();
        Parsed p = Parsed.of(raw);

        Map<String, String> fields = p.parts.get(1).fieldGroups().get(1);
        assertThat(fields).containsEntry("Status", "4.4.1")
                .containsEntry("Diagnostic-Code",
                        "X-Tern; delivery time expired after 2d; last attempt: connection refused by [192.0.2.1]:25")
                .doesNotContainKey("Remote-MTA");
        assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("smtp;", "said:");
    }

    @Test
    void aLocalSuccessReportIsOursAndReturnsTheHeadersOnly() {
        var stored = tern.outcome.LocalDecision.of(tern.outcome.LocalDecision.Reason.LOCAL_DELIVERY,
                new Reply(250, "2.0.0", "delivered to Maildir"));
        byte[] raw = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.FULL, null, DAVE),
                bytes(MESSAGE), List.of(RecipientStatus.of(DAVE, Action.DELIVERED, stored, NOW, null))).message();
        Parsed p = Parsed.of(raw);

        assertThat(p.parts.get(1).fieldGroups().get(1)).containsEntry("Action", "delivered")
                .containsEntry("Status", "2.0.0")
                .containsEntry("Diagnostic-Code", "X-Tern; delivered to Maildir")
                .doesNotContainKey("Remote-MTA");
        assertThat(p.parts.get(0).body).contains("<dave@d.example>: delivered to Maildir").doesNotContain("said");
        // RFC 3461 4.3: a report of success returns the header section only, whatever RET says.
        assertThat(p.parts.get(2).headers).containsEntry("Content-Type", "text/rfc822-headers")
                .containsEntry("Content-Description", "Message headers");
        assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("see you.");
    }

    @Test
    void aDelayReportReturnsTheHeadersOnly() {
        RecipientStatus delayed = RecipientStatus.delayed(CAROL, new Reply(451, "4.3.0", "later"), "mx.c.example",
                NOW, NOW.plusSeconds(3600));
        byte[] raw = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.FULL, null, CAROL),
                bytes(MESSAGE), List.of(delayed)).message();
        Parsed p = Parsed.of(raw);
        assertThat(p.parts.get(2).headers).containsEntry("Content-Type", "text/rfc822-headers");
        assertThat(new String(raw, StandardCharsets.UTF_8)).doesNotContain("see you.");
    }

    @Test
    void mixedActionsAreReportedTogetherAndFailureNamesTheSubject() {
        RecipientStatus delayed = RecipientStatus.delayed(CAROL, new Reply(451, "4.3.0", "later"), "mx.c.example",
                NOW, NOW.plusSeconds(3600));
        Parsed p = Parsed.of(builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB, CAROL),
                bytes(MESSAGE), List.of(failedBob(), delayed)).message());
        assertThat(p.headers).containsEntry("Subject", "Undelivered Mail Returned to Sender");
        assertThat(p.parts.get(1).fieldGroups()).extracting(g -> g.get("Action")).containsExactly(null, "failed", "delayed");
    }

    @Test
    void everyLineEndsWithCrlfAndNoLineExceeds998Octets() {
        String longText = "blocked ".repeat(200) + "x".repeat(2000) + " é".repeat(600);
        RecipientStatus r = RecipientStatus.failed(BOB, new Reply(550, "5.7.1", longText + "\r\nInjected: header"),
                "mx.b.example", NOW);
        byte[] m = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB), bytes(MESSAGE), List.of(r))
                .message();
        assertCrlfAndLineLimit(m);
        Parsed p = Parsed.of(m);
        assertThat(p.parts.get(1).fieldGroups().get(1)).doesNotContainKey("Injected");
        assertThat(p.parts.get(1).fieldGroups().get(1).get("Diagnostic-Code")).startsWith("smtp; 550 5.7.1 blocked blocked");
    }

    @Test
    void aMessageThatCannotTravelInMimeComesBackAsHeadersOnly() {
        String binary = MESSAGE + "a bare\nline feed and a very long line " + "y".repeat(1200) + "\r\n";
        byte[] m = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), Ret.FULL, null, BOB), bytes(binary),
                List.of(failedBob())).message();
        assertCrlfAndLineLimit(m);
        assertThat(Parsed.of(m).parts.get(2).headers).containsEntry("Content-Type", "text/rfc822-headers");
    }

    @Test
    void utf8AddressesUseTheUtf8AddressTypeInAGlobalDeliveryStatus() {
        Recipient jose = new Recipient(new Mailbox("josé", "b.example"), Set.of(), "utf-8;jos\\x{E9}@b.example");
        String message = "From: Jürgen <jürgen@example.test>\r\nSubject: Grüße\r\n\r\nHallo ä\r\n";
        Mailbox juergen = new Mailbox("jürgen", "example.test");
        DeliveryStatusNotification dsn = builder.build(DSN_ID,
                new Envelope(new QueueId("0ORIG000002"), ReversePath.of(juergen), List.of(jose), Body.EIGHT_BIT_MIME,
                        true, null, null, -1, "127.0.0.1", "client", ARRIVAL),
                bytes(message), List.of(RecipientStatus.failed(jose, new Reply(550, "5.1.1", "unknown"), "mx.b.example", NOW)));
        assertCrlfAndLineLimit(dsn.message());
        Parsed p = Parsed.of(dsn.message());
        assertThat(p.headers.get("Content-Type")).contains("report-type=global-delivery-status");
        assertThat(p.headers).containsEntry("To", "<jürgen@example.test>");
        assertThat(p.parts.get(1).headers).containsEntry("Content-Type", "message/global-delivery-status");
        assertThat(p.parts.get(1).fieldGroups().get(1)).containsEntry("Final-Recipient", "utf-8; josé@b.example")
                .containsEntry("Original-Recipient", "utf-8; josé@b.example");
        assertThat(p.parts.get(2).headers).containsEntry("Content-Type", "message/global")
                .containsEntry("Content-Transfer-Encoding", "8bit");
        assertThat(p.parts.get(2).body).isEqualTo(message);
        assertThat(dsn.envelope().smtpUtf8()).isTrue();
        assertThat(dsn.envelope().body()).isEqualTo(Body.EIGHT_BIT_MIME);
    }

    @Test
    void eightBitBodyWithAsciiHeadersStaysMessageRfc822With8bitEncoding() {
        String message = "From: a@example.test\r\nSubject: hi\r\n\r\nGrüße\r\n";
        DeliveryStatusNotification dsn = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB),
                bytes(message), List.of(failedBob()));
        Part original = Parsed.of(dsn.message()).parts.get(2);
        assertThat(original.headers).containsEntry("Content-Type", "message/rfc822")
                .containsEntry("Content-Transfer-Encoding", "8bit");
        assertThat(original.body).isEqualTo(message);
        assertThat(dsn.envelope().body()).isEqualTo(Body.EIGHT_BIT_MIME);
        assertThat(dsn.envelope().smtpUtf8()).isFalse();
    }

    @Test
    void boundaryNeverOccursInTheReturnedMessage() {
        DeliveryStatusNotification first = builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB),
                bytes(MESSAGE), List.of(failedBob()));
        String boundary = Parsed.of(first.message()).boundary;
        String tricky = MESSAGE + "--" + boundary + "\r\n";
        Parsed p = Parsed.of(builder.build(DSN_ID, envelope(ReversePath.of(SENDER), null, null, BOB), bytes(tricky),
                List.of(failedBob())).message());
        assertThat(p.boundary).isNotEqualTo(boundary);
        assertThat(p.parts).hasSize(3);
        assertThat(p.parts.get(2).body).isEqualTo(tricky);
    }

    // --- a small MIME reader, enough to check the structure -------------------------------

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void assertCrlfAndLineLimit(byte[] m) {
        int lineStart = 0;
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\r') {
                assertThat(i + 1 < m.length && m[i + 1] == '\n').as("CR at %d is followed by LF", i).isTrue();
            } else if (m[i] == '\n') {
                assertThat(i > 0 && m[i - 1] == '\r').as("LF at %d is preceded by CR", i).isTrue();
                assertThat(i - 1 - lineStart).as("octets in the line at %d", lineStart).isLessThanOrEqualTo(998);
                lineStart = i + 1;
            }
        }
        assertThat(m.length).isEqualTo(lineStart); // ends with CRLF
    }

    record Part(Map<String, String> headers, String body) {
        /** RFC 3464: the per-message group, then one group per recipient, separated by blank lines. */
        List<Map<String, String>> fieldGroups() {
            List<Map<String, String>> groups = new ArrayList<>();
            for (String group : body.split("\r\n\r\n")) {
                if (!group.isBlank()) {
                    groups.add(fields(group));
                }
            }
            return groups;
        }
    }

    record Parsed(Map<String, String> headers, String boundary, List<Part> parts) {
        static Parsed of(byte[] message) {
            assertCrlfAndLineLimit(message);
            String m = new String(message, StandardCharsets.UTF_8);
            int split = m.indexOf("\r\n\r\n");
            Map<String, String> headers = fields(m.substring(0, split));
            Matcher b = Pattern.compile("boundary=\"([^\"]+)\"").matcher(headers.get("Content-Type"));
            assertThat(b.find()).isTrue();
            String boundary = b.group(1);
            String body = m.substring(split + 4);
            String delimiter = "\r\n--" + boundary;
            assertThat(body).endsWith(delimiter + "--\r\n");
            String[] chunks = ("\r\n" + body).split(Pattern.quote(delimiter));
            List<Part> parts = new ArrayList<>();
            for (int i = 1; i < chunks.length - 1; i++) {
                String chunk = chunks[i].substring(2); // the CRLF after the boundary line
                int end = chunk.indexOf("\r\n\r\n");
                parts.add(new Part(fields(chunk.substring(0, end)), chunk.substring(end + 4) + "\r\n"));
            }
            return new Parsed(headers, boundary, parts);
        }
    }

    static Map<String, String> fields(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        String unfolded = section.replace("\r\n ", " ").replace("\r\n\t", "\t");
        for (String line : unfolded.split("\r\n")) {
            int colon = line.indexOf(':');
            assertThat(colon).as("field line %s", line).isPositive();
            fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
        return fields;
    }
}
