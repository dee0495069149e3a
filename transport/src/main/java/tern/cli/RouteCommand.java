package tern.cli;

import java.util.List;
import tern.address.Mailbox;
import tern.dns.MailDns;
import tern.dns.MxResult;
import tern.route.Route;
import tern.route.Router;
import java.util.Set;
import tern.config.TernConfig;
import tern.config.Syntax;
import tern.smtp.Replies;

/** {@code tern route ADDRESS}: which route a recipient takes under the configuration, and why. */
final class RouteCommand implements Command {
    @Override
    public String name() {
        return "route";
    }

    @Override
    public String summary() {
        return "show which route a recipient takes, and why";
    }

    @Override
    public String usage() {
        return """
                usage: tern route ADDRESS [--config FILE] [--no-dns]

                Prints the route the recipient ADDRESS (local-part@domain) takes: local
                delivery, a route domain, the smart host or an MX lookup, and the rule that
                decided it. When the route needs an MX lookup it also prints what the lookup
                finds now, through dns.servers; --no-dns leaves that out. Sends no mail.

                Exit status: 0 when the route leads somewhere; 69 (EX_UNAVAILABLE) when the
                MX lookup says mail cannot go there (NXDOMAIN, null MX, no address); 75
                (EX_TEMPFAIL) when the lookup failed for now (SERVFAIL, timeout). With
                attemptDirectBeforeSmartHost only a null MX is a failure: the smart host
                takes the rest.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of("--no-dns"), Set.of("--config"));
        boolean noDns = a.flag("--no-dns");
        String address = a.positionals(1, 1, "the recipient ADDRESS").getFirst();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        if (!Syntax.isMailbox(address)) {
            throw new UsageException("not a mail address: " + address);
        }
        TernConfig config = terminal.config(a.option("--config"));
        int at = address.lastIndexOf('@');
        Route route;
        try {
            route = new Router(config).route(new Mailbox(address.substring(0, at), address.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            terminal.err().println("tern route: " + e.getMessage());
            return Exit.FAILURE;
        }
        terminal.out().println(route.explain());
        String lookup = switch (route) {
            case Route.Mx mx -> mx.domain();
            case Route.DirectThenSmartHost d when d.direct() instanceof Route.Mx mx -> mx.domain();
            case Route.Relay r when r.hop().mxLookup() -> r.hop().host();
            default -> null;
        };
        if (lookup == null || noDns) {
            return Exit.OK;
        }
        MxResult result = lookup(config, lookup);
        switch (result) {
            case MxResult.Hosts hosts -> {
                terminal.out().println("MX " + hosts.hosts().stream()
                        .map(h -> h.host() + " pref " + h.preference())
                        .collect(java.util.stream.Collectors.joining(", ")));
                return Exit.OK;
            }
            case MxResult.Failure f -> {
                terminal.out().println("MX lookup of " + lookup + " failed: " + f.reply());
                if (route instanceof Route.DirectThenSmartHost d && f.cause() != MxResult.Cause.NULL_MX) {
                    terminal.out().println("→ " + d.fallback().explain());
                    return Exit.OK; // the smart host takes what the direct attempt cannot reach
                }
                return f.permanent() ? Exit.UNAVAILABLE : Exit.TEMPFAIL;
            }
        }
    }

    /** What the MX lookup finds now, through dns.servers (or the system's name servers). */
    private static MxResult lookup(TernConfig config, String domain) {
        try (MailDns dns = MailDns.forServing(config.dns())) {
            return dns.mx(domain).get();
        } catch (Exception e) {
            return new MxResult.Failure(MxResult.Cause.TEMPORARY, Replies.DNS_TEMPORARY_FAILURE.code(),
                    Replies.DNS_TEMPORARY_FAILURE.status(), String.valueOf(e.getMessage()));
        }
    }
}
