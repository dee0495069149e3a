package tern.bench.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tern.bench.load.Flags;
import tern.config.Durations;

/**
 * What the operator asked the sink to do.
 *
 * @param listen    where to accept SMTP
 * @param rules     failure injection, script rules first, then those the flags make
 * @param delay     wait this long before every reply
 * @param countFile rewritten at most every 100 ms while counts change, and at exit; null = none
 * @param interval  how often the rate line is printed while mail arrives; zero = never
 * @param hostName  the name in the greeting and EHLO reply
 */
public record SinkOptions(Flags.HostPort listen, ReplyRules rules, Duration delay, Path countFile,
                          Duration interval, String hostName) {

    static final String USAGE = """
            usage: sink [--listen HOST:PORT] [--reply CODE | --reply rcpt:CODE | --reply script FILE]
                        [--script FILE] [--delay MS] [--count-file F] [--fail-first N]
                        [--fail-fraction F] [--fail-code CODE] [--interval 1s] [--hostname NAME] [--quiet]
              --listen HOST:PORT   where to listen (default 127.0.0.1:2526)
              --reply CODE         reply CODE after every final dot (250 = the default, 451, 550, ...)
              --reply rcpt:CODE    reply CODE to every RCPT instead
              --reply script FILE  (or --script FILE) failure rules, one per line; see bench/README.md
              --delay MS           wait MS milliseconds before every reply (a slow server)
              --count-file F       keep "N messages R recipients B bytes ..." in F (every 100 ms and at exit)
              --fail-first N       the first N transactions get --fail-code after their final dot
              --fail-fraction F    this share (0..1) of recipients get --fail-code, spread evenly
              --fail-code CODE     the code of --fail-first and --fail-fraction (default 451)
              --interval D         rate line every D while mail arrives (default 1s; 0 = never)
              --hostname NAME      name in greeting and EHLO (default sink.tern.test)
              --quiet              same as --interval 0
            Stop it with Ctrl-C or SIGTERM: it prints the totals and writes the count file once more.
            """;

    public static SinkOptions defaults(Flags.HostPort listen) {
        return new SinkOptions(listen, ReplyRules.none(), Duration.ZERO, null, Duration.ZERO, "sink.tern.test");
    }

    public SinkOptions withRules(ReplyRules r) {
        return new SinkOptions(listen, r, delay, countFile, interval, hostName);
    }

    public SinkOptions withCountFile(Path f) {
        return new SinkOptions(listen, rules, delay, f, interval, hostName);
    }

    public static SinkOptions parse(String[] rawArgs) throws IOException {
        // "--reply script FILE" is the one flag with two words
        List<String> args = new ArrayList<>();
        for (int i = 0; i < rawArgs.length; i++) {
            if (rawArgs[i].equals("--reply") && i + 1 < rawArgs.length && rawArgs[i + 1].equals("script")) {
                if (i + 2 >= rawArgs.length) {
                    throw new Flags.UsageException("--reply script needs a file");
                }
                args.add("--script");
                args.add(rawArgs[i + 2]);
                i += 2;
            } else {
                args.add(rawArgs[i]);
            }
        }
        Flags f = Flags.parse(args.toArray(String[]::new),
                Flags.set("listen", "reply", "script", "delay", "count-file", "fail-first", "fail-fraction",
                        "fail-code", "interval", "hostname"),
                Flags.set("quiet", "help"));
        if (f.has("help")) {
            throw new Flags.UsageException("");
        }
        ReplyRules rules = ReplyRules.none();
        if (f.has("script")) {
            Path script = Path.of(f.string("script", null));
            try {
                rules = ReplyRules.load(script);
            } catch (ReplyRules.RuleException e) {
                throw new Flags.UsageException(script + ": " + e.getMessage());
            }
        }
        List<ReplyRules.Rule> flagRules = new ArrayList<>();
        int failCode = code("fail-code", f.string("fail-code", "451"));
        if (f.has("fail-first")) {
            long n = f.count("fail-first", 0);
            if (n > 0) {
                flagRules.add(ReplyRules.flagRule(ReplyRules.Stage.DATA, new ReplyRules.Comparison("<=", n), 1.0,
                        failCode, "Injected failure (--fail-first " + n + ")"));
            }
        }
        if (f.has("fail-fraction")) {
            double fr = f.decimal("fail-fraction", 0);
            if (fr < 0 || fr > 1) {
                throw new Flags.UsageException("--fail-fraction must be between 0 and 1");
            }
            if (fr > 0) {
                flagRules.add(ReplyRules.flagRule(ReplyRules.Stage.RCPT, null, fr, failCode,
                        "Injected failure (--fail-fraction " + fr + ")"));
            }
        }
        if (f.has("reply")) {
            String r = f.string("reply", "250");
            ReplyRules.Stage stage = ReplyRules.Stage.DATA;
            if (r.regionMatches(true, 0, "rcpt:", 0, 5)) {
                stage = ReplyRules.Stage.RCPT;
                r = r.substring(5);
            } else if (r.regionMatches(true, 0, "data:", 0, 5)) {
                r = r.substring(5);
            }
            int code = code("reply", r);
            if (code != 250) {
                flagRules.add(ReplyRules.flagRule(stage, null, 1.0, code, "Injected reply (--reply " + code + ")"));
            }
        }
        rules = rules.then(flagRules);
        Duration interval = f.has("quiet") ? Duration.ZERO : duration("interval", f.string("interval", "1s"));
        return new SinkOptions(
                Flags.hostPort("listen", f.string("listen", "127.0.0.1:2526")),
                rules,
                Duration.ofMillis(f.count("delay", 0)),
                f.has("count-file") ? Path.of(f.string("count-file", null)) : null,
                interval,
                f.string("hostname", "sink.tern.test"));
    }

    private static Duration duration(String flag, String v) {
        if (v.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Durations.parse(v);
        } catch (RuntimeException e) {
            throw new Flags.UsageException("--" + flag + " expects a duration like 1s or 500ms, got " + v);
        }
    }

    private static int code(String flag, String v) {
        try {
            int c = Integer.parseInt(v);
            if (c >= 200 && c <= 599) {
                return c;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the usage error
        }
        throw new Flags.UsageException("--" + flag + " expects a reply code like 250, 451 or 550, got " + v);
    }
}
