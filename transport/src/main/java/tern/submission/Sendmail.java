package tern.submission;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tern.address.InvalidAddressException;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;

/**
 * {@code tern sendmail}: what {@code /usr/sbin/sendmail} does for applications and cron,
 * done by handing the message to the running server over SMTP on this host (the first
 * {@code server.listen} address; a wildcard address means loopback). The server treats the
 * connection as any loopback client: it may relay, and it journals the message before its
 * 250, so exit code 0 means the message is as safe as any accepted by SMTP.
 *
 * <p>What it adds to the message: CRLF line ends, and a From field when there is none (with
 * the {@code -F} name); it removes Bcc fields. Date and Message-ID are the server's to add
 * when missing. The envelope sender is {@code -f}, else the login name at {@code server.fqdn},
 * as sendmail and Postfix do; recipients are the arguments, plus with {@code -t} the To, Cc
 * and Bcc fields.
 *
 * <p>Exit codes, from sysexits.h: 0 queued; 64 wrong arguments or no recipients given;
 * 65 the message or sender was refused, or {@code -t} found no recipient; 67 a recipient was
 * refused (the others still got it); 69 the server refuses service; 75 no server answers or it
 * said "try again later" (nothing was sent, so a retry cannot duplicate).
 */
public final class Sendmail {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final TernConfig config;
    private final String loginName;

    public Sendmail(TernConfig config, String loginName) {
        this.config = config;
        this.loginName = loginName;
    }

    public int run(SendmailOptions options, InputStream in, PrintStream out, PrintStream err) {
        InetSocketAddress server = server(config);
        try {
            if (options.smtpOnStdio()) {
                return new SmtpProxy(server, Duration.ofSeconds(10)).run(in, out);
            }
            return submit(options, server, in, err);
        } catch (IOException e) {
            err.println("tern sendmail: " + e.getMessage());
            return LoopbackSubmission.EX_TEMPFAIL;
        }
    }

    private int submit(SendmailOptions options, InetSocketAddress server, InputStream in, PrintStream err)
            throws IOException {
        Map<String, Mailbox> recipients = new LinkedHashMap<>();
        for (String arg : options.recipients()) {
            for (String one : arg.split(",")) { // sendmail takes "a@x, b@y" as one argument too
                if (one.isBlank()) {
                    continue;
                }
                try {
                    Mailbox m = AddressList.mailbox(one.strip());
                    recipients.putIfAbsent(HeaderAddresses.key(m), m);
                } catch (InvalidAddressException e) {
                    err.println("tern sendmail: not an address: " + one.strip());
                    return LoopbackSubmission.EX_USAGE;
                }
            }
        }
        if (recipients.isEmpty() && !options.extractRecipients()) {
            err.println("tern sendmail: no recipients: name them as arguments or use -t");
            return LoopbackSubmission.EX_USAGE;
        }
        ReversePath sender;
        try {
            sender = options.sender().map(Sendmail::reversePath).orElseGet(this::loginAddress);
        } catch (IllegalArgumentException e) {
            err.println("tern sendmail: " + e.getMessage());
            return LoopbackSubmission.EX_USAGE;
        }

        byte[] text = LineEnds.crlf(LineEnds.withoutMboxFromLine(read(in, options.ignoreDots())));
        HeaderSection header = HeaderSection.parse(text);
        if (options.extractRecipients()) {
            HeaderAddresses fromHeader = HeaderAddresses.of(header);
            if (!fromHeader.invalid().isEmpty()) {
                err.println("tern sendmail: not an address in To, Cc or Bcc: " + String.join(", ", fromHeader.invalid()));
                return LoopbackSubmission.EX_DATAERR;
            }
            fromHeader.recipients().forEach(m -> recipients.putIfAbsent(HeaderAddresses.key(m), m));
            if (recipients.isEmpty()) {
                err.println("tern sendmail: no recipient addresses found in the message header");
                return LoopbackSubmission.EX_DATAERR;
            }
        }
        String added = header.has("From") ? "" : "From: " + fromField(options, sender) + "\r\n";
        byte[] message = header.rewrite(HeaderAddresses.BLIND, added);

        var outcome = new LoopbackSubmission(server, "localhost", TIMEOUT)
                .send(sender, new ArrayList<>(recipients.values()), options.notifyOn(), options.ret(), message);
        for (String problem : outcome.problems()) {
            err.println("tern sendmail: " + problem);
        }
        return outcome.exitCode();
    }

    /** Where the server listens for SMTP: the first {@code server.listen}, a wildcard as loopback. */
    static InetSocketAddress server(TernConfig config) {
        TernConfig.Listener first = config.server().listen().getFirst();
        String host = switch (first.host()) {
            case "0.0.0.0", "", "*" -> "127.0.0.1";
            case "::", "::0", "0:0:0:0:0:0:0:0" -> "::1";
            default -> first.host();
        };
        return new InetSocketAddress(host, first.port());
    }

    private ReversePath loginAddress() {
        return ReversePath.of(new Mailbox(loginName, config.server().fqdn()));
    }

    private static ReversePath reversePath(String given) {
        if (given.isEmpty()) {
            return ReversePath.NULL;
        }
        try {
            return ReversePath.of(AddressList.mailbox(given));
        } catch (InvalidAddressException e) {
            throw new IllegalArgumentException("-f: not an address: " + given);
        }
    }

    private String fromField(SendmailOptions options, ReversePath sender) {
        Mailbox address = sender.isNull() ? loginAddress().mailbox() : sender.mailbox();
        return options.fullName().filter(n -> !n.isBlank())
                .map(name -> DisplayName.phrase(name.strip()) + " <" + address + ">")
                .orElse(address.toString());
    }

    /**
     * Standard input up to its end, or (without {@code -i}) up to a line with a single dot,
     * which sendmail takes as the end of the message; the dot line is not part of it.
     */
    static byte[] read(InputStream in, boolean ignoreDots) throws IOException {
        if (ignoreDots) {
            return in.readAllBytes();
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream(8192);
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                if (isDotLine(line)) {
                    return message.toByteArray();
                }
                line.writeTo(message);
                line.reset();
            }
        }
        if (!isDotLine(line)) {
            line.writeTo(message);
        }
        return message.toByteArray();
    }

    private static boolean isDotLine(ByteArrayOutputStream line) {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.equals(".\n") || s.equals(".\r\n") || s.equals(".");
    }
}
