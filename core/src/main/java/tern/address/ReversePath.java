package tern.address;

import java.util.Objects;

/**
 * The MAIL FROM address. The null reverse-path {@code <>} is used by bounces
 * and other automatic mail; nothing is ever sent back to it.
 */
public record ReversePath(Mailbox mailbox) {

    public static final ReversePath NULL = new ReversePath(null);

    public static ReversePath of(Mailbox mailbox) {
        return new ReversePath(Objects.requireNonNull(mailbox));
    }

    public boolean isNull() {
        return mailbox == null;
    }

    /** The path as written between angle brackets: empty for the null path. */
    @Override
    public String toString() {
        return mailbox == null ? "" : mailbox.toString();
    }
}
