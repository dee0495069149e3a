package tern.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One group commit of the journal writer; its duration covers append and sync. */
@Name("tern.JournalCommit")
@Label("Journal Commit")
@Category({"Tern", "Journal"})
@Description("One group commit: a batch of events appended and synced")
@StackTrace(false)
public final class JournalCommit extends Event {
    @Label("Batch Size")
    public int batchSize;

    @Label("Synced")
    @Description("Whether the batch was msynced before the acknowledgements")
    public boolean synced;
}
