package tern.dsn;

import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.envelope.Body;
import tern.envelope.Envelope;
import tern.envelope.Recipient;
import tern.queue.QueueId;

/**
 * A delivery status notification (RFC 3464, carried in RFC 6522 {@code multipart/report}):
 * its own envelope and its bytes, ready to be queued like any other message.
 *
 * <p>The envelope has the null reverse-path, so that a DSN that cannot be delivered is
 * never answered with another one (RFC 3461 6.2, RFC 5321 4.5.5); its one recipient is the
 * original message's reverse-path.
 *
 * @param envelope  MAIL FROM:&lt;&gt;, RCPT TO: the original reverse-path
 * @param message   the whole message, CRLF line endings, no line over 998 octets
 * @param messageId its Message-ID, with the angle brackets
 * @param subject   its Subject
 */
public record DeliveryStatusNotification(Envelope envelope, byte[] message, String messageId, String subject) {

    /** Without RET, a message up to this size comes back whole; a bigger one, headers only. */
    public static final long DEFAULT_FULL_RETURN_LIMIT = 100 * 1024;

    /** RFC 5322 3.3 date-time; {@code +0000} rather than the obsolete {@code GMT}. */
    static final DateTimeFormatter DATE = DateTimeFormatter
            .ofPattern("EEE, d MMM yyyy HH:mm:ss xx", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * Writes DSNs. Immutable; one instance serves every message.
     */
    public static final class Builder {
        private final String fqdn;
        private final InstantSource clock;
        private final long fullReturnLimit;

        public Builder(String reportingFqdn, InstantSource clock) {
            this(reportingFqdn, clock, DEFAULT_FULL_RETURN_LIMIT);
        }

        /**
         * @param reportingFqdn   {@code server.fqdn}: Reporting-MTA, From and Message-ID
         * @param clock           gives the Date field and the DSN's arrival time
         * @param fullReturnLimit largest message returned whole when the sender gave no RET
         */
        public Builder(String reportingFqdn, InstantSource clock, long fullReturnLimit) {
            this.fqdn = Objects.requireNonNull(reportingFqdn, "reportingFqdn");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.fullReturnLimit = fullReturnLimit;
        }

        /**
         * One DSN for one original message, reporting every recipient in {@code recipients}.
         *
         * @param id         the queue id of the DSN itself
         * @param original   the original message's envelope
         * @param content    the original message's bytes, as queued
         * @param recipients what happened to each reported recipient, at least one
         * @throws IllegalArgumentException when the original reverse-path is null: nothing is
         *                                  ever sent to it (RFC 3461 6.2)
         */
        public DeliveryStatusNotification build(QueueId id, Envelope original, byte[] content,
                                                List<RecipientStatus> recipients) {
            ReversePath reversePath = original.reversePath();
            if (reversePath.isNull()) {
                throw new IllegalArgumentException("message " + original.id()
                        + " has the null reverse-path: no DSN may be sent for it (RFC 3461 6.2, RFC 5321 4.5.5)");
            }
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("a DSN reports at least one recipient");
            }
            Instant now = clock.instant();
            Mailbox to = reversePath.mailbox();
            Set<Action> actions = EnumSet.noneOf(Action.class);
            boolean global = false;
            for (RecipientStatus r : recipients) {
                actions.add(r.action());
                global |= r.recipient().address().isInternationalized()
                        || (r.recipient().orcpt() != null && !isAscii(OriginalRecipient.decode(r.recipient().orcpt())));
            }
            OriginalContent returned = OriginalContent.of(original, content, fullReturnLimit,
                    actions.contains(Action.FAILED));
            String subject = subject(actions);
            String messageId = "<" + id + "." + Long.toString(now.toEpochMilli(), 36) + ".dsn@" + fqdn + ">";
            // RFC 2046 5.1.1: at most 70 characters, so the fqdn stays out of it.
            String boundary = returned.boundaryFor(id + "." + Long.toString(now.toEpochMilli(), 36));

            Octets body = new Octets(1024 + returned.length() + 400 * recipients.size());
            body.line("This is a MIME-encapsulated message.").crlf();
            body.line("--" + boundary);
            notification(body, original, recipients, actions, returned);
            body.line("--" + boundary);
            deliveryStatus(body, original, recipients, global);
            if (returned.kind() != OriginalContent.Kind.NONE) {
                body.line("--" + boundary);
                returned.writeTo(body);
            }
            body.line("--" + boundary + "--");
            boolean eightBit = body.contains8bit();

            Octets head = new Octets(600 + body.size());
            head.field("From", "Mail Delivery System <MAILER-DAEMON@" + fqdn + ">");
            head.field("To", "<" + to + ">");
            head.field("Subject", subject);
            head.field("Date", DATE.format(now));
            head.field("Message-ID", messageId);
            head.field("Auto-Submitted", "auto-replied");
            head.field("MIME-Version", "1.0");
            head.field("Content-Type", "multipart/report; report-type="
                    + (global ? "global-delivery-status" : "delivery-status") + "; boundary=\"" + boundary + "\"");
            if (eightBit) {
                head.field("Content-Transfer-Encoding", "8bit");
            }
            head.crlf().append(body);
            byte[] bytes = head.toByteArray();

            Envelope envelope = new Envelope(id, ReversePath.NULL, List.of(Recipient.of(to)),
                    eightBit ? Body.EIGHT_BIT_MIME : Body.SEVEN_BIT, to.isInternationalized(), null, null,
                    bytes.length, "127.0.0.1", fqdn, now);
            return new DeliveryStatusNotification(envelope, bytes, messageId, subject);
        }

        private void notification(Octets out, Envelope original, List<RecipientStatus> recipients,
                                  Set<Action> actions, OriginalContent returned) {
            out.field("Content-Type", "text/plain; charset=utf-8");
            out.field("Content-Description", "Notification");
            Octets text = new Octets(512);
            text.line("This is the mail system at host " + fqdn + ".").crlf();
            text.text("About your message " + original.id() + " of " + DATE.format(original.arrival()) + ".", "");
            for (Action action : actions) {
                text.crlf().text(switch (action) {
                    case FAILED -> "Your message could not be delivered to the recipients below."
                            + " The mail system has given up on them.";
                    case DELAYED -> "Your message has not been delivered yet to the recipients below."
                            + " The mail system is still trying; you do not need to send it again.";
                    case DELIVERED -> "Your message was delivered to the recipients below.";
                    case RELAYED -> "Your message was passed on to the recipients below by a server that"
                            + " does not report on delivery; you may not hear of them again.";
                }, "").crlf();
                for (RecipientStatus r : recipients) {
                    if (r.action() == action) {
                        text.text(recipientLine(r), "    ");
                        if (r.willRetryUntil() != null) {
                            text.text("    Still trying until " + DATE.format(r.willRetryUntil()) + ".", "    ");
                        }
                    }
                }
            }
            text.crlf().text(switch (returned.kind()) {
                case FULL -> "Your message is attached below.";
                case HEADERS -> "The header section of your message is attached below.";
                case NONE -> "Your message could not be attached.";
            }, "");
            out.field("Content-Transfer-Encoding", text.contains8bit() ? "8bit" : "7bit");
            out.crlf().append(text);
        }

        /**
         * Our own reason first when there is one, then what a server said, named by host: a
         * reader must be able to tell Tern's verdict from a remote server's.
         */
        private static String recipientLine(RecipientStatus r) {
            StringBuilder line = new StringBuilder(120).append('<').append(r.recipient().address()).append(">: ");
            if (r.reason() != null) {
                line.append(r.reason());
                if (r.diagnostic() != null) {
                    line.append("; ");
                }
            }
            if (r.diagnostic() != null) {
                line.append(r.remoteMta() != null ? "host " + r.remoteMta() : "the remote server")
                        .append(" said: ").append(r.diagnostic());
            } else if (r.reason() != null) {
                // said above
            } else {
                line.append(switch (r.action()) {
                    case FAILED -> "delivery failed";
                    case DELAYED -> "delivery is delayed";
                    case DELIVERED -> r.remoteMta() != null ? "delivered to " + r.remoteMta() : "delivered to the mailbox";
                    case RELAYED -> "relayed to " + (r.remoteMta() != null ? r.remoteMta() : "the next server");
                });
            }
            if (r.diagnostic() == null) {
                line.append(" (").append(r.status()).append(')');
            }
            return line.toString();
        }

        private void deliveryStatus(Octets out, Envelope original, List<RecipientStatus> recipients, boolean global) {
            out.field("Content-Type", global ? "message/global-delivery-status" : "message/delivery-status");
            out.field("Content-Description", "Delivery report");
            if (global) {
                out.field("Content-Transfer-Encoding", "8bit");
            }
            out.crlf();
            out.field("Reporting-MTA", "dns; " + fqdn);
            out.field("X-Tern-Queue-ID", original.id().toString());
            if (original.envId() != null) {
                out.field("Original-Envelope-Id", original.envId());
            }
            out.field("Arrival-Date", DATE.format(original.arrival()));
            for (RecipientStatus r : recipients) {
                out.crlf();
                Recipient rcpt = r.recipient();
                if (rcpt.orcpt() != null) {
                    out.field("Original-Recipient", OriginalRecipient.decode(rcpt.orcpt()));
                }
                Mailbox address = rcpt.address();
                out.field("Final-Recipient", (address.isInternationalized() ? "utf-8; " : "rfc822; ") + address);
                out.field("Action", r.action().field());
                out.field("Status", r.status().toString());
                if (r.remoteMta() != null) {
                    out.field("Remote-MTA", "dns; " + r.remoteMta());
                }
                if (r.diagnostic() != null) {
                    out.field("Diagnostic-Code", "smtp; " + r.diagnostic());
                } else if (r.reason() != null) {
                    // RFC 3464 2.3.6: a diagnostic-type of our own for what no server said
                    out.field("Diagnostic-Code", "X-Tern; " + r.reason());
                }
                if (r.lastAttempt() != null) {
                    out.field("Last-Attempt-Date", DATE.format(r.lastAttempt()));
                }
                if (r.willRetryUntil() != null) {
                    out.field("Will-Retry-Until", DATE.format(r.willRetryUntil()));
                }
            }
        }

        private static String subject(Set<Action> actions) {
            if (actions.contains(Action.FAILED)) {
                return "Undelivered Mail Returned to Sender";
            }
            if (actions.contains(Action.DELAYED)) {
                return "Delayed Mail (still being retried)";
            }
            return "Successful Mail Delivery Report";
        }
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
