package tern.bench.sink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tern.bench.load.LineReader;
import tern.bench.sink.ReplyRules.Rule;
import tern.bench.sink.ReplyRules.Stage;
import tern.smtp.Replies;
import tern.smtp.Reply;

/**
 * One SMTP session of the sink, on its own virtual thread. Accepts any sender and
 * recipient unless a rule says otherwise. Replies are pre-encoded; they are flushed only
 * when the client has nothing more pipelined, so a pipelined MAIL+RCPT+DATA costs one write.
 */
final class SinkSession implements Runnable {

    private static final byte[] OK = bytes(Replies.OK);
    private static final byte[] SENDER_OK = bytes(Replies.SENDER_OK);
    private static final byte[] RECIPIENT_OK = bytes(Replies.RECIPIENT_OK);
    private static final byte[] QUEUED = bytes(Replies.QUEUED);
    private static final byte[] START_MAIL_INPUT = bytes(Replies.START_MAIL_INPUT);
    private static final byte[] BYE = bytes(Replies.BYE);
    private static final byte[] BAD_SEQUENCE = bytes(Replies.BAD_SEQUENCE);
    private static final byte[] NO_VALID_RECIPIENTS = bytes(Replies.NO_VALID_RECIPIENTS);
    private static final byte[] UNKNOWN = bytes(Replies.UNKNOWN_COMMAND);
    private static final byte[] LINE_TOO_LONG = bytes(Replies.LINE_TOO_LONG);
    private static final byte[] VRFY = bytes(Replies.VRFY_CANNOT);

    private static final int EHLO = verb("EHLO");
    private static final int HELO = verb("HELO");
    private static final int MAIL = verb("MAIL");
    private static final int RCPT = verb("RCPT");
    private static final int DATA = verb("DATA");
    private static final int RSET = verb("RSET");
    private static final int NOOP = verb("NOOP");
    private static final int QUIT = verb("QUIT");
    private static final int VRFY_VERB = verb("VRFY");

    private final Socket socket;
    private final SinkOptions options;
    private final SinkCounters counters;
    private final byte[] greeting;
    private final byte[] ehlo;
    private final byte[] helo;
    private final ReplyRules rules;
    private final long delayMillis;
    private LineReader in;
    private BufferedOutputStream out;

    private boolean inTransaction;
    private long transaction;
    private int recipients;
    private final List<String> recipientAddresses = new ArrayList<>();

    SinkSession(Socket socket, SinkOptions options, SinkCounters counters, byte[] greeting, byte[] ehlo, byte[] helo) {
        this.socket = socket;
        this.options = options;
        this.counters = counters;
        this.greeting = greeting;
        this.ehlo = ehlo;
        this.helo = helo;
        this.rules = options.rules();
        this.delayMillis = options.delay().toMillis();
    }

    @Override
    public void run() {
        counters.connections.increment();
        counters.openConnections.incrementAndGet();
        try (socket) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(300_000);
            in = new LineReader(socket.getInputStream(), 16384);
            out = new BufferedOutputStream(socket.getOutputStream(), 16384);
            if (!greet()) {
                return;
            }
            while (command()) {
                if (in.buffered() == 0) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException e) {
            // the client went away or timed out: nothing to count
        } finally {
            counters.openConnections.decrementAndGet();
        }
    }

    private boolean greet() throws IOException {
        Rule r = rules.isEmpty() ? null : rules.decide(Stage.CONNECT, null, null, 0);
        if (r != null) {
            if (!reply(r)) {
                return false;
            }
            out.flush();
            return r.reply().code() < 400;
        }
        reply(greeting);
        out.flush();
        return true;
    }

    /** Handles one command line; false when the session is over. */
    private boolean command() throws IOException {
        in.next();
        if (!in.complete()) {
            do {
                in.next();
            } while (!in.complete());
            reply(LINE_TOO_LONG);
            return true;
        }
        int v = in.length() >= 4 ? verbAt(in.buffer(), in.start()) : 0;
        if (v == EHLO || v == HELO) {
            resetTransaction();
            Rule r = rules.isEmpty() ? null : rules.decide(Stage.HELO, null, null, 0);
            if (r != null) {
                return reply(r);
            }
            reply(v == EHLO ? ehlo : helo);
        } else if (v == MAIL) {
            mail();
        } else if (v == RCPT) {
            rcpt();
        } else if (v == DATA) {
            return data();
        } else if (v == RSET || v == NOOP) {
            if (v == RSET) {
                resetTransaction();
            }
            reply(OK);
        } else if (v == QUIT) {
            reply(BYE);
            out.flush();
            return false;
        } else if (v == VRFY_VERB) {
            reply(VRFY);
        } else {
            reply(UNKNOWN);
        }
        return true;
    }

    private void mail() throws IOException {
        if (inTransaction) {
            reply(BAD_SEQUENCE);
            return;
        }
        transaction = counters.transactions.incrementAndGet();
        if (rules.has(Stage.MAIL)) {
            Rule r = rules.decide(Stage.MAIL, address(), null, transaction);
            if (r != null) {
                if (!reply(r)) {
                    throw new IOException("dropped");
                }
                if (r.reply().code() >= 400) {
                    return;
                }
            } else {
                reply(SENDER_OK);
            }
        } else {
            reply(SENDER_OK);
        }
        inTransaction = true;
        recipients = 0;
        recipientAddresses.clear();
    }

    private void rcpt() throws IOException {
        if (!inTransaction) {
            reply(BAD_SEQUENCE);
            return;
        }
        String address = rules.addressesNeeded() ? address() : null;
        if (rules.has(Stage.RCPT)) {
            Rule r = rules.decide(Stage.RCPT, address == null ? "" : address, null, transaction);
            if (r != null) {
                if (!reply(r)) {
                    throw new IOException("dropped");
                }
                if (r.reply().code() >= 400) {
                    counters.rejectedRecipients.increment();
                    return;
                }
                accepted(address);
                return;
            }
        }
        reply(RECIPIENT_OK);
        accepted(address);
    }

    private void accepted(String address) {
        recipients++;
        if (address != null) {
            recipientAddresses.add(address);
        }
    }

    private boolean data() throws IOException {
        if (!inTransaction) {
            reply(BAD_SEQUENCE);
            return true;
        }
        if (recipients == 0) {
            reply(NO_VALID_RECIPIENTS);
            resetTransaction();
            return true;
        }
        reply(START_MAIL_INPUT);
        out.flush();
        long size = 0;
        while (true) {
            in.next();
            if (in.atLineStart() && in.complete() && in.length() == 1 && in.buffer()[in.start()] == '.') {
                break;
            }
            // count the message as stored: without the stuffed dot, with the CRLF
            size += in.length() + (in.complete() ? 2 : 0)
                    - (in.atLineStart() && in.length() > 0 && in.buffer()[in.start()] == '.' ? 1 : 0);
        }
        Rule r = rules.has(Stage.DATA) ? rules.decide(Stage.DATA, null, recipientAddresses, transaction) : null;
        boolean keepGoing = true;
        if (r != null) {
            keepGoing = reply(r);
        } else {
            reply(QUEUED);
        }
        if (r == null || r.reply() != null && r.reply().code() < 400) {
            counters.messages.increment();
            counters.recipients.add(recipients);
            counters.bytes.add(size);
        } else {
            counters.rejectedMessages.increment();
        }
        resetTransaction();
        return keepGoing;
    }

    private void resetTransaction() {
        inTransaction = false;
        recipients = 0;
        recipientAddresses.clear();
    }

    /** The address between the angle brackets of MAIL FROM:&lt;...&gt; or RCPT TO:&lt;...&gt;. */
    private String address() {
        byte[] b = in.buffer();
        int open = -1;
        for (int i = in.start(); i < in.end(); i++) {
            if (b[i] == '<' && open < 0) {
                open = i + 1;
            } else if (b[i] == '>' && open >= 0) {
                return new String(b, open, i - open, StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    /** Sends a rule's reply, or closes the connection for 'drop'; false when the session is over. */
    private boolean reply(Rule r) throws IOException {
        pause(delayMillis + r.delayMillis());
        if (r.drops()) {
            out.flush();
            socket.close();
            return false;
        }
        out.write(r.reply().wire().getBytes(StandardCharsets.UTF_8));
        if (r.reply().code() == 421) {
            out.flush();
            return false;
        }
        return true;
    }

    private void reply(byte[] wire) throws IOException {
        if (delayMillis > 0) {
            out.flush();
            pause(delayMillis);
        }
        out.write(wire);
    }

    private static void pause(long millis) throws IOException {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static int verb(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    /** The first four bytes upper-cased, as one int: a switch on the verb without a String. */
    private static int verbAt(byte[] b, int i) {
        return ((b[i] & 0xDF) << 24) | ((b[i + 1] & 0xDF) << 16) | ((b[i + 2] & 0xDF) << 8) | (b[i + 3] & 0xDF);
    }

    private static byte[] bytes(Reply r) {
        return r.wire().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] ehloReply(String host) {
        return new Reply(250, null, List.of(host, "PIPELINING", "SIZE 104857600", "8BITMIME", "SMTPUTF8", "DSN",
                "ENHANCEDSTATUSCODES")).wire().getBytes(StandardCharsets.US_ASCII);
    }
}
