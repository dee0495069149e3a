package tern.journal;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import tern.config.TernConfig.Sync;

/**
 * The child process of {@link JournalCrashTest}: appends Accepted events from many virtual
 * threads as fast as the journal acknowledges them and prints "ACK id" for each, until it is killed.
 */
public final class JournalWriterProcess {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        var out = System.out;
        var journal = Journal.open(dir, Sync.BATCH, InstantSource.system());
        var inFlight = new Semaphore(64);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long n = 0; ; n++) {
                String id = "K" + n;
                inFlight.acquire();
                threads.execute(() -> {
                    try {
                        journal.append(Events.accepted(id, java.time.Instant.now())).join();
                        synchronized (out) {
                            out.println("ACK " + id);
                            out.flush();
                        }
                    } finally {
                        inFlight.release();
                    }
                });
            }
        }
    }
}
