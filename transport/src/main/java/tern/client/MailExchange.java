package tern.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tern.envelope.Body;
import tern.envelope.Notify;
import tern.envelope.Recipient;
import tern.smtp.Reply;

/**
 * One mail transaction on an open {@link SmtpConnection}: MAIL with the parameters the peer's
 * extensions allow (SIZE, BODY, SMTPUTF8, the DSN ones), the RCPTs, DATA and the message,
 * pipelined when the peer offers it (RFC 2920), and each recipient's result from the replies.
 * The connection owns the wire; this class owns the order of the commands and what the
 * replies mean for each recipient.
 */
final class MailExchange {
    private final SmtpConnection connection;
    private final EhloExtensions extensions;

    MailExchange(SmtpConnection connection, EhloExtensions extensions) {
        this.connection = connection;
        this.extensions = extensions;
    }

    TransactionResult transact(Transaction t, long size, boolean eightBit) throws IOException {
        String mail = mailCommand(t, size, eightBit);
        List<Recipient> rcpts = t.recipients();
        Reply mailReply;
        Reply[] rcptReplies = new Reply[rcpts.size()];
        if (extensions.pipelining()) {
            // RFC 2920: MAIL, every RCPT and DATA in one write, the replies read in order: one
            // round trip instead of two before the message goes out.
            connection.write(mail);
            for (Recipient r : rcpts) {
                connection.write(rcptCommand(r));
            }
            connection.write("DATA");
            connection.flush(SmtpException.Stage.MAIL);
            mailReply = connection.read(SmtpException.Stage.MAIL);
            for (int i = 0; i < rcptReplies.length; i++) {
                rcptReplies[i] = connection.read(SmtpException.Stage.RCPT);
            }
            return pipelinedData(t, mailReply, rcptReplies, connection.read(SmtpException.Stage.DATA));
        } else {
            mailReply = connection.command(mail, SmtpException.Stage.MAIL);
            if (mailReply.code() == 250) {
                for (int i = 0; i < rcptReplies.length; i++) {
                    rcptReplies[i] = connection.command(rcptCommand(rcpts.get(i)), SmtpException.Stage.RCPT);
                }
            }
        }
        List<RecipientResult> results = new ArrayList<>(rcpts.size());
        if (mailReply.code() != 250) {
            for (Recipient r : rcpts) {
                results.add(new RecipientResult(r, mailReply));
            }
            connection.reset();
            return new TransactionResult(results, null);
        }
        boolean anyAccepted = false;
        for (Reply r : rcptReplies) {
            anyAccepted |= r.code() == 250 || r.code() == 251;
        }
        if (!anyAccepted) {
            for (int i = 0; i < rcptReplies.length; i++) {
                results.add(new RecipientResult(rcpts.get(i), rcptReplies[i]));
            }
            connection.reset(); // RFC 5321 3.3: no DATA without a recipient
            return new TransactionResult(results, null);
        }
        Reply dataReply = connection.command("DATA", SmtpException.Stage.DATA);
        if (dataReply.code() == 354) {
            connection.writeMessage(t.message());
            connection.flush(SmtpException.Stage.MESSAGE);
            dataReply = connection.read(SmtpException.Stage.MESSAGE);
        } else {
            connection.reset();
        }
        for (int i = 0; i < rcptReplies.length; i++) {
            Reply r = rcptReplies[i];
            boolean accepted = r.code() == 250 || r.code() == 251;
            results.add(new RecipientResult(rcpts.get(i), accepted ? dataReply : r));
        }
        return new TransactionResult(results, dataReply);
    }

    /**
     * The rest of a pipelined transaction once the reply to DATA is in. RFC 2920 3.1: a server
     * that says 354 although no recipient was accepted gets an empty message (a lone dot),
     * whose reply means nothing; a refused DATA is followed by RSET, as without pipelining,
     * so the next transaction starts clean.
     */
    private TransactionResult pipelinedData(Transaction t, Reply mailReply, Reply[] rcptReplies, Reply dataReply)
            throws IOException {
        List<Recipient> rcpts = t.recipients();
        boolean anyAccepted = false;
        for (Reply r : rcptReplies) {
            anyAccepted |= r.code() == 250 || r.code() == 251;
        }
        boolean send = mailReply.code() == 250 && anyAccepted;
        List<RecipientResult> results = new ArrayList<>(rcpts.size());
        if (dataReply.code() == 354) {
            if (send) {
                connection.writeMessage(t.message());
            } else {
                connection.write(".");
            }
            connection.flush(SmtpException.Stage.MESSAGE);
            Reply afterDot = connection.read(SmtpException.Stage.MESSAGE);
            if (send) {
                dataReply = afterDot;
            }
        } else {
            connection.reset();
        }
        if (mailReply.code() != 250) {
            for (Recipient r : rcpts) {
                results.add(new RecipientResult(r, mailReply));
            }
            return new TransactionResult(results, null);
        }
        for (int i = 0; i < rcptReplies.length; i++) {
            Reply r = rcptReplies[i];
            boolean accepted = r.code() == 250 || r.code() == 251;
            results.add(new RecipientResult(rcpts.get(i), accepted && send ? dataReply : r));
        }
        return new TransactionResult(results, send ? dataReply : null);
    }

    private String mailCommand(Transaction t, long size, boolean eightBit) {
        StringBuilder sb = new StringBuilder(96).append("MAIL FROM:<")
                .append(t.reversePath().isNull() ? "" : t.reversePath().mailbox().withAsciiDomain()).append('>');
        if (extensions.sizeOffered()) {
            sb.append(" SIZE=").append(size);
        }
        if (extensions.eightBitMime() && (eightBit || t.body() != Body.SEVEN_BIT)) {
            sb.append(" BODY=8BITMIME");
        }
        if (extensions.smtpUtf8() && (t.smtpUtf8() || t.needsSmtpUtf8())) {
            sb.append(" SMTPUTF8");
        }
        if (extensions.dsn()) {
            if (t.ret() != null) {
                sb.append(" RET=").append(t.ret().name());
            }
            if (t.envId() != null) {
                sb.append(" ENVID=").append(tern.smtp.Xtext.encode(t.envId()));
            }
        }
        return sb.toString();
    }

    private String rcptCommand(Recipient r) {
        StringBuilder sb = new StringBuilder(64).append("RCPT TO:<").append(r.address().withAsciiDomain()).append('>');
        if (extensions.dsn()) {
            if (!r.notifyOn().isEmpty()) {
                sb.append(" NOTIFY=").append(r.notifyOn().stream().sorted().map(Notify::name)
                        .collect(Collectors.joining(",")));
            }
            if (r.orcpt() != null) {
                sb.append(" ORCPT=").append(r.orcpt()); // kept as received: already xtext
            }
        }
        return sb.toString();
    }

    static TransactionResult refuseAll(Transaction t, Reply reply) {
        return new TransactionResult(t.recipients().stream().map(r -> new RecipientResult(r, reply, false)).toList(), null);
    }
}
