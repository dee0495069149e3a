package tern.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tern.envelope.Recipient;
import tern.smtp.Command;
import tern.smtp.MailFrom;
import tern.smtp.RcptTo;
import tern.smtp.SmtpRejection;

/**
 * What the inbound session spends per command on parsing alone: splitting a decoded command
 * line into verb and argument, then reading MAIL's and RCPT's paths and parameters.
 *
 * <p>State: {@link Scope#Benchmark}, immutable command lines shared by all threads (the
 * parsers keep no state). One op = one command line parsed completely: for {@link #mailFrom}
 * a typical {@code MAIL FROM:<...> SIZE= BODY=} line, for {@link #rcptTo} a RCPT with DSN
 * parameters, for {@link #transaction} the five lines of one transaction
 * (EHLO, MAIL, RCPT, RCPT, DATA). Reported in ns/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class CommandParserBenchmark {

    private final String mailLine = "MAIL FROM:<sender.name@sender.example.org> SIZE=1024 BODY=8BITMIME";
    private final String rcptLine = "RCPT TO:<recipient@tern.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;recipient+40tern.test";
    private final String[] transaction = {
            "EHLO client.example.org",
            "MAIL FROM:<sender@sender.example.org> SIZE=1024",
            "RCPT TO:<one@tern.test>",
            "RCPT TO:<\"two words\"@tern.test>",
            "DATA"};

    @Benchmark
    public MailFrom mailFrom() throws SmtpRejection {
        return MailFrom.parse(Command.parse(mailLine).argument());
    }

    @Benchmark
    public Recipient rcptTo() throws SmtpRejection {
        return RcptTo.parse(Command.parse(rcptLine).argument(), false, "tern.test");
    }

    @Benchmark
    public void transaction(Blackhole bh) throws SmtpRejection {
        for (String line : transaction) {
            Command c = Command.parse(line);
            switch (c.verb()) {
                case MAIL -> bh.consume(MailFrom.parse(c.argument()));
                case RCPT -> bh.consume(RcptTo.parse(c.argument(), false, "tern.test"));
                default -> bh.consume(c);
            }
        }
    }
}
