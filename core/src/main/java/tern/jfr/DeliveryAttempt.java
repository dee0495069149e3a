package tern.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One attempt to deliver one message to one destination; its duration is the attempt's. */
@Name("tern.DeliveryAttempt")
@Label("Delivery Attempt")
@Category({"Tern", "Delivery"})
@Description("One attempt to deliver a message to a next hop or a Maildir")
@StackTrace(false)
public final class DeliveryAttempt extends Event {
    @Label("Queue Id")
    public String queueId;

    @Label("Destination")
    @Description("The next hop (host[address]:port) or \"local\"")
    public String destination;

    @Label("Recipients")
    public int recipients;

    @Label("Outcome")
    @Description("delivered, deferred, failed or mixed")
    public String outcome;

    @Label("Reply")
    public String reply;
}
