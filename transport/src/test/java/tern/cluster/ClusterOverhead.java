package tern.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tern.address.Mailbox;
import tern.envelope.Recipient;
import tern.outcome.Outcome;
import tern.outcome.RemoteReply;
import tern.queue.Dispatch;
import tern.queue.QueueId;
import tern.queue.SharedLimits;
import tern.route.Destination;
import tern.route.Route;
import tern.smtp.Reply;
import tern.testing.RedisProcess;

/**
 * Not a test: the measurement behind the README's figures. A queue manager's loop (one owner
 * thread, the real {@link Dispatch}) starts {@code messages} deliveries over 10 destinations
 * whose delivery takes {@code deliveryMs} on a virtual thread, once with the local limits and
 * once with {@link RedisLimits} against a redis-server on loopback; it prints messages per
 * second and Redis calls per message. Run:
 * {@code java -cp <test class path> tern.cluster.ClusterOverhead [messages] [deliveryMs] [rate/s]}.
 */
public final class ClusterOverhead {

    static final Outcome OK = new RemoteReply(new Reply(250, "2.0.0", "ok"), "mx", "[192.0.2.1]:25");

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long deliveryMs = args.length > 1 ? Long.parseLong(args[1]) : 0;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Duration interval = rate == 0 ? null : Duration.ofNanos(1_000_000_000L / rate);
        Dispatch.Limits limits = new Dispatch.Limits(20, interval, true);
        try (RedisProcess server = RedisProcess.start(java.nio.file.Files.createTempDirectory("tern-redis"))) {
            for (int round = 0; round < 3; round++) { // the first round warms the JIT up
                double local = run(messages, deliveryMs, limits, SharedLimits.LOCAL, null);
                try (RedisLink link = RedisLink.open(server.uri(), "bench")) {
                    link.awaitUp(Duration.ofSeconds(5));
                    RedisLimits redis = new RedisLimits(link, LeaseBook.Settings.DEFAULT, RedisLimits.LEASE_TTL,
                            System::currentTimeMillis);
                    long before = link.calls();
                    double shared = run(messages, deliveryMs, limits, redis, redis);
                    long calls = link.calls() - before;
                    redis.close(); // the leases go back: the next round starts with free slots
                    System.out.printf("round %d: %d messages, delivery %d ms, rate %s: local %.0f msg/s, "
                                    + "redis %.0f msg/s, %.3f Redis calls per message%n", round, messages, deliveryMs,
                            rate == 0 ? "none" : rate + "/s per destination", local, shared,
                            calls / (double) messages);
                }
            }
        }
    }

    static double run(int messages, long deliveryMs, Dispatch.Limits limits, SharedLimits shared,
                      RedisLimits housekeeping) throws InterruptedException {
        ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
        Thread owner = Thread.currentThread();
        Dispatch dispatch = new Dispatch(100, d -> limits, Duration.ofMinutes(1), shared);
        shared.onAnswer(d -> {
            inbox.add(() -> dispatch.answered(d));
            LockSupport.unpark(owner);
        });
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        if (housekeeping != null) {
            ticker.scheduleWithFixedDelay(housekeeping::tick, 100, 100, TimeUnit.MILLISECONDS);
        }
        int[] finished = {0};
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Dispatch.Decisions decisions = new Dispatch.Decisions() {
                @Override
                public void start(Dispatch.Job job) {
                    workers.execute(() -> {
                        if (deliveryMs > 0) {
                            try {
                                Thread.sleep(deliveryMs);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        inbox.add(() -> {
                            dispatch.finished(job, List.of(OK), System.currentTimeMillis());
                            finished[0]++;
                        });
                        LockSupport.unpark(owner);
                    });
                }

                @Override
                public void down(Dispatch.Job job, long until, Outcome lastFailure) {
                    throw new AssertionError("down");
                }
            };
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                String domain = "d" + (i % 10) + ".test";
                dispatch.offer(new Dispatch.Job(new QueueId("M" + i), List.of(Recipient.of(new Mailbox("r", domain))),
                        new Route.Mx(domain), new Destination("bench " + domain)));
            }
            while (finished[0] < messages) {
                Runnable task;
                while ((task = inbox.poll()) != null) {
                    task.run();
                }
                long now = System.currentTimeMillis();
                dispatch.run(now, decisions);
                if (inbox.isEmpty()) {
                    long wake = dispatch.nextWake();
                    LockSupport.parkNanos(wake == Long.MAX_VALUE ? 1_000_000
                            : Math.max(1, TimeUnit.MILLISECONDS.toNanos(wake - now)));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return messages / seconds;
        } finally {
            ticker.shutdownNow();
        }
    }
}
