package tern.cli;

import java.util.List;
import tern.config.TernConfig;
import tern.submission.Sendmail;
import tern.submission.SendmailOptions;

/** {@code tern sendmail}: sendmail-compatible submission to the running server (see {@link Sendmail}). */
final class SendmailCommand implements Command {
    @Override
    public String name() {
        return "sendmail";
    }

    @Override
    public String summary() {
        return "submit a message from stdin to the running server, as sendmail does";
    }

    @Override
    public String usage() {
        return """
                usage: tern sendmail [-t] [-i] [-f SENDER] [-F NAME] [-N DSN] [-R RET] [--config FILE] [RCPT ...]
                       tern sendmail -bs [--config FILE]

                Reads a message from standard input and hands it to the server listening on
                the first server.listen address (a wildcard address means loopback).
                  -t         recipients from the To, Cc and Bcc fields too (Bcc is removed)
                  -i, -oi    a line with a single dot does not end the message
                  -f SENDER  the envelope sender (default: login name @ server.fqdn; <> = null)
                  -F NAME    the full name in the From field added when the message has none
                  -N DSN     never, or success,failure,delay;  -R RET: full or hdrs
                  -bs        SMTP on standard input and output
                Accepted and ignored as in sendmail: -bm -oem -oee -odb -odi -B TYPE -v -m -n -U.
                Exit codes: 0 queued; 64 usage; 65 message refused or -t found no recipient;
                67 a recipient refused; 69 service refused; 75 no server, or try again later.
                To be /usr/sbin/sendmail: a two-line script
                  #!/bin/sh
                  exec /opt/tern/bin/tern sendmail "$@"
                """;
    }

    @Override
    public boolean asksForHelp(List<String> args) {
        return args.contains("--help"); // -h is not sendmail's
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        SendmailOptions options;
        try {
            options = SendmailOptions.parse(args);
        } catch (SendmailOptions.UsageError e) {
            throw new UsageException(e.getMessage());
        }
        TernConfig config = terminal.config(options.config());
        String login = System.getProperty("user.name", "nobody");
        return new Sendmail(config, login).run(options, terminal.in(), terminal.out(), terminal.err());
    }
}
