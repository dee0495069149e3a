package tern.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.Dispatch;
import tern.queue.QueueId;
import tern.route.Destination;
import tern.route.Route;
import tern.smtp.Reply;

/**
 * The queue manager's dispatch decision: which delivery starts next, with {@code destinations}
 * destinations of which {@code atLimit} have their window full of deliveries that never end,
 * and {@code pending} recipients waiting in those destinations' backlogs.
 *
 * <p><b>One op</b> = one decision with its bookkeeping: 90 % of the time a job for a healthy
 * destination is offered, started and finished; 10 % of the time one delivery at a full
 * destination finishes, the next one from its backlog starts, and a new job joins the
 * backlog (so the backlog stays at {@code pending}). Target: at least 1 M ops/s. Run:
 * {@code ./tern bench jmh DispatchBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class DispatchBenchmark {

    @Param("10000")
    int destinations;
    @Param("1000")
    int atLimit;
    @Param("1000000")
    int pending;

    private static final List<Outcome> OK = List.of(new RemoteReply(new Reply(250, "2.0.0", "ok"), "mx", "[192.0.2.1]:25"));
    private static final long NOW = 1_800_000_000_000L;

    Dispatch dispatch;
    Dispatch.Job[] jobs; // one per destination, offered again and again
    Dispatch.Job started;
    final SplittableRandom random = new SplittableRandom(42);
    final Dispatch.Decisions decisions = new Dispatch.Decisions() {
        @Override
        public void start(Dispatch.Job job) {
            started = job;
        }

        @Override
        public void down(Dispatch.Job job, long until, Outcome lastFailure) {
            throw new IllegalStateException("no destination goes down here");
        }
    };

    @Setup(Level.Trial)
    public void load() {
        var limits = new Dispatch.Limits(10, null, true);
        dispatch = new Dispatch(1_000_000, d -> limits);
        jobs = new Dispatch.Job[destinations];
        for (int i = 0; i < destinations; i++) {
            var d = new Destination("d" + i + ".bench.test");
            List<Recipient> rcpt = List.of(Recipient.of(new Mailbox("r", d.name())));
            jobs[i] = new Dispatch.Job(new QueueId("0BENCH" + i), rcpt, new Route.Mx(d.name()), d);
        }
        // The destinations at their limit: a full window of deliveries that never end, and the backlog.
        List<Dispatch.Job> startedAtLimit = new ArrayList<>();
        for (int i = 0; i < atLimit; i++) {
            for (int k = 0; k < pending / atLimit; k++) {
                dispatch.offer(jobs[i]);
            }
        }
        dispatch.run(NOW, new Dispatch.Decisions() {
            @Override
            public void start(Dispatch.Job job) {
                startedAtLimit.add(job);
            }

            @Override
            public void down(Dispatch.Job job, long until, Outcome lastFailure) {
            }
        });
        System.out.printf("%n%d destinations, %d of them at their limit with %d deliveries under way; %d pending%n",
                destinations, atLimit, startedAtLimit.size(), dispatch.backlog());
    }

    @Benchmark
    public Dispatch.Job decide() {
        int i = random.nextInt(destinations);
        Dispatch.Job job = jobs[i];
        if (i >= atLimit) {
            dispatch.offer(job);
            dispatch.run(NOW, decisions);
            dispatch.finished(started, OK, NOW);
        } else {
            dispatch.finished(job, List.of(), NOW); // one delivery there ends (neutral: the window stays)
            dispatch.offer(job);
            dispatch.run(NOW, decisions);
        }
        return started;
    }
}
