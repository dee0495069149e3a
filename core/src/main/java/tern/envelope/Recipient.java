package tern.envelope;

import java.util.Set;
import tern.address.Mailbox;

/**
 * One RCPT TO with its RFC 3461 parameters.
 *
 * @param address the forward-path
 * @param notifyOn NOTIFY values; empty when the client gave none (the default then is FAILURE,DELAY)
 * @param orcpt   the ORCPT value as given ({@code rfc822;user@example}), or null
 */
public record Recipient(Mailbox address, Set<Notify> notifyOn, String orcpt) {

    public Recipient {
        notifyOn = Set.copyOf(notifyOn);
    }

    public static Recipient of(Mailbox address) {
        return new Recipient(address, Set.of(), null);
    }

    /** RFC 3461 4.1: without NOTIFY, the MTA behaves as if FAILURE and DELAY were given. */
    public boolean wantsFailureNotice() {
        return notifyOn.isEmpty() || notifyOn.contains(Notify.FAILURE);
    }

    public boolean wantsDelayNotice() {
        return notifyOn.isEmpty() || notifyOn.contains(Notify.DELAY);
    }

    public boolean wantsSuccessNotice() {
        return notifyOn.contains(Notify.SUCCESS);
    }
}
