package tern.queue;

import java.util.concurrent.CompletionStage;
import tern.envelope.Envelope;

/**
 * Where the SMTP server hands a received message. The stage completes once the message
 * is durable in the journal (the server answers 250 only then), and completes
 * exceptionally when it could not be stored (the server answers 452 4.3.1).
 *
 * @see tern.journal.JournalEvent.Accepted
 */
public interface Spool {
    CompletionStage<Void> accept(Envelope envelope, byte[] message);
}
