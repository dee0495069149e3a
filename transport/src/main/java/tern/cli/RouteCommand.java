package tern.cli;

import java.util.List;
import java.util.Set;
import tern.config.TernConfig;
import tern.configfile.Syntax;

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
                usage: tern route ADDRESS [--config FILE]

                Prints the route the recipient ADDRESS (local-part@domain) takes: local
                delivery, a route domain, the smart host or an MX lookup, and the
                configuration keys that decided it. Sends nothing and queries no DNS.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of(), Set.of("--config"));
        String address = a.positionals(1, 1, "the recipient ADDRESS").getFirst();
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        if (!Syntax.isMailbox(address)) {
            throw new UsageException("not a mail address: " + address);
        }
        TernConfig config = terminal.config(a.option("--config"));
        // wired by the lead: ask the router for `address` under `config` and print the route
        // and its reason; return Exit.OK.
        return terminal.notAvailable(name());
    }
}
