package tern.dsn;

/** RFC 3464 2.3.3: what the reporting MTA did with one recipient. */
public enum Action {
    /** Could not be delivered and will not be tried again: a non-delivery report (NDR). */
    FAILED("failed"),
    /** Not delivered yet; still being retried. */
    DELAYED("delayed"),
    /** Delivered to the recipient's mailbox (here: into the Maildir drop). */
    DELIVERED("delivered"),
    /** Handed to a next server that does not report delivery status (RFC 3461 NOTIFY=SUCCESS). */
    RELAYED("relayed");

    private final String field;

    Action(String field) {
        this.field = field;
    }

    /** The value of the {@code Action:} field. */
    public String field() {
        return field;
    }
}
