package tern.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A message was journaled and answered with 250. Its duration runs from end of data to the commit. */
@Name("tern.MessageAccepted")
@Label("Message Accepted")
@Category({"Tern", "SMTP"})
@Description("A message answered with 250 after it was journaled")
@StackTrace(false)
public final class MessageAccepted extends Event {
    @Label("Queue Id")
    public String queueId;

    @Label("Client Address")
    public String client;

    @Label("Recipients")
    public int recipients;

    @Label("Size")
    @DataAmount
    public long size;
}
