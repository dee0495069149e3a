package tern.bench.load;

import java.time.Duration;
import tern.config.Durations;

/**
 * What the operator asked the load tool to do.
 *
 * @param target      the SMTP server under test
 * @param messages    messages in the measured run
 * @param connections concurrent SMTP connections
 * @param size        bytes per message (headers + body, before dot-stuffing)
 * @param rate        total messages per second, open loop; 0 = as fast as the target answers
 * @param pipelining  MAIL, RCPT and DATA in one write when the server offers PIPELINING
 * @param from        envelope and header sender
 * @param to          the one recipient, unless toDomains > 0
 * @param toDomains   spread recipients over d1.test .. dK.test
 * @param reuse       keep connections open across messages; false = connect, send one, QUIT
 * @param warmup      messages sent (and not measured) before the measured run
 * @param json        also print the summary as one JSON object on stdout
 * @param progress    the live progress line on stderr
 * @param timeout     connect timeout and the longest wait for any reply
 * @param helo        the name in EHLO
 */
public record LoadOptions(
        Flags.HostPort target,
        long messages,
        int connections,
        long size,
        double rate,
        boolean pipelining,
        String from,
        String to,
        int toDomains,
        boolean reuse,
        long warmup,
        boolean json,
        boolean progress,
        Duration timeout,
        String helo) {

    static final String USAGE = """
            usage: load --target HOST:PORT [--messages N] [--connections C] [--size 1k]
                        [--rate R] [--pipelining] [--from ADDR] [--to ADDR | --to-domains K]
                        [--reuse | --new-connection-per-message] [--warmup N]
                        [--timeout 60s] [--helo NAME] [--json] [--quiet]
              --target HOST:PORT          SMTP server to load (default 127.0.0.1:2525)
              --messages N                messages in the measured run (default 10000)
              --connections C             concurrent connections (default 20)
              --size S                    message size: 1000, 1k, 50k, 1m (powers of 1000; default 1k)
              --rate R                    total messages/s, open loop (default: as fast as possible)
              --pipelining                MAIL+RCPT+DATA in one write when PIPELINING is offered
              --from ADDR                 sender (default load@bench.test)
              --to ADDR                   recipient of every message (default sink@relay.test)
              --to-domains K              recipients spread over d1.test .. dK.test instead
              --reuse                     keep connections open between messages (the default)
              --new-connection-per-message  connect, send one message, QUIT (like smtp-source)
              --warmup N                  send N messages first, not measured (default 0)
              --timeout D                 connect timeout and longest wait for a reply (default 60s)
              --helo NAME                 name sent in EHLO (default load.tern.test)
              --json                      print the summary as one JSON object on stdout
                                          (the readable summary then goes to stderr)
              --quiet                     no live progress line
            exit status: 0 when every message got a 2xx after its final dot, 1 otherwise, 2 on usage errors
            """;

    public LoadOptions {
        if (messages < 1) {
            throw new Flags.UsageException("--messages must be at least 1");
        }
        if (connections < 1) {
            throw new Flags.UsageException("--connections must be at least 1");
        }
        if (rate < 0) {
            throw new Flags.UsageException("--rate must not be negative");
        }
    }

    /** Defaults for everything but the target, for tests and callers in code. */
    public static LoadOptions defaults(Flags.HostPort target) {
        return new LoadOptions(target, 10_000, 20, 1000, 0, false, "load@bench.test", "sink@relay.test", 0,
                true, 0, false, false, Duration.ofSeconds(60), "load.tern.test");
    }

    public LoadOptions withMessages(long n) {
        return new LoadOptions(target, n, connections, size, rate, pipelining, from, to, toDomains, reuse, warmup,
                json, progress, timeout, helo);
    }

    public LoadOptions withConnections(int c) {
        return new LoadOptions(target, messages, c, size, rate, pipelining, from, to, toDomains, reuse, warmup,
                json, progress, timeout, helo);
    }

    public LoadOptions withPipelining(boolean p) {
        return new LoadOptions(target, messages, connections, size, rate, p, from, to, toDomains, reuse, warmup,
                json, progress, timeout, helo);
    }

    public LoadOptions withReuse(boolean r) {
        return new LoadOptions(target, messages, connections, size, rate, pipelining, from, to, toDomains, r, warmup,
                json, progress, timeout, helo);
    }

    public LoadOptions withToDomains(int k) {
        return new LoadOptions(target, messages, connections, size, rate, pipelining, from, to, k, reuse, warmup,
                json, progress, timeout, helo);
    }

    public static LoadOptions parse(String[] args) {
        Flags f = Flags.parse(args,
                Flags.set("target", "messages", "connections", "size", "rate", "from", "to", "to-domains", "warmup",
                        "timeout", "helo"),
                Flags.set("pipelining", "reuse", "new-connection-per-message", "json", "quiet", "help"));
        if (f.has("help")) {
            throw new Flags.UsageException("");
        }
        if (f.has("reuse") && f.has("new-connection-per-message")) {
            throw new Flags.UsageException("--reuse and --new-connection-per-message exclude each other");
        }
        if (f.has("to") && f.has("to-domains")) {
            throw new Flags.UsageException("--to and --to-domains exclude each other");
        }
        Duration timeout;
        try {
            timeout = Durations.parse(f.string("timeout", "60s"));
        } catch (RuntimeException e) {
            throw new Flags.UsageException("--timeout expects a duration like 30s or 2m");
        }
        long connections = f.count("connections", 20);
        long toDomains = f.count("to-domains", 0);
        return new LoadOptions(
                Flags.hostPort("target", f.string("target", "127.0.0.1:2525")),
                f.count("messages", 10_000),
                (int) Math.min(connections, 100_000),
                f.size("size", 1000),
                f.decimal("rate", 0),
                f.has("pipelining"),
                f.string("from", "load@bench.test"),
                f.string("to", "sink@relay.test"),
                (int) Math.min(toDomains, 1_000_000),
                !f.has("new-connection-per-message"),
                f.count("warmup", 0),
                f.has("json"),
                !f.has("quiet"),
                timeout,
                f.string("helo", "load.tern.test"));
    }
}
