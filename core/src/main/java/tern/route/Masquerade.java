package tern.route;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tern.address.Mailbox;
import tern.address.ReversePath;
import tern.config.TernConfig;

/**
 * {@code delivery.masqueradeDomain}: the reverse-path of our outbound transaction shows the
 * masquerade domain instead of a local domain, so that replies and bounces go to a domain
 * the outside world can reach (the Microsoft SMTP virtual server's "Masquerade domain").
 *
 * <p>Only the MAIL FROM of the first hop is rewritten; the message's header fields are left
 * alone. The null reverse-path is never rewritten: it must stay null so that nothing is
 * ever sent back for a bounce (RFC 5321 4.5.5). Senders from non-local domains are relayed
 * as they are: claiming them for our masquerade domain would be forging.
 */
public final class Masquerade {

    private final String domain;
    private final Set<String> localDomains;

    public Masquerade(String masqueradeDomain, List<String> localDomains) {
        this.domain = masqueradeDomain == null || masqueradeDomain.isBlank() ? null : normalize(masqueradeDomain);
        this.localDomains = new HashSet<>();
        for (String d : localDomains) {
            this.localDomains.add(normalize(d));
        }
    }

    public static Masquerade of(TernConfig config) {
        return new Masquerade(config.delivery().masqueradeDomain(), config.domains().local());
    }

    public boolean isSet() {
        return domain != null;
    }

    /** The reverse-path to send in MAIL FROM on the first hop. */
    public ReversePath apply(ReversePath reversePath) {
        if (domain == null || reversePath.isNull()) {
            return reversePath;
        }
        Mailbox sender = reversePath.mailbox();
        if (!localDomains.contains(normalize(sender.domain()))) {
            return reversePath;
        }
        return ReversePath.of(new Mailbox(sender.localPart(), domain));
    }

    private static String normalize(String d) {
        String s = d.strip().toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
