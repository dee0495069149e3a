package tern.runtime;

import java.util.ArrayList;
import java.util.List;
import tern.config.TernConfig;

/**
 * What is wrong enough with a configuration that it deserves a WARN line at start-up, but not
 * so wrong that the server should refuse to start: mail still flows, some of it may bounce.
 * Logged once by {@link MailServer} and kept for the health endpoint to report.
 *
 * <p>The one check today is the greeting name. A name without a dot is refused outright by
 * receivers that want a fully-qualified HELO ({@code 504 5.5.2 need fully-qualified
 * hostname}); so, as Postfix does for {@code myhostname}, the default {@code server.fqdn} of
 * a host whose name has no dot is {@code <name>.localdomain}: it passes that syntax check but
 * is in no DNS, so receivers that check the HELO name against DNS still refuse it. Either way
 * the operator has to set {@code server.fqdn}, and this says so.
 */
public record StartupWarnings(List<String> warnings) {

    /** The suffix Tern and Postfix append to a host name without a dot. */
    public static final String LOCAL_DOMAIN = ".localdomain";

    public StartupWarnings {
        warnings = List.copyOf(warnings);
    }

    public static StartupWarnings check(TernConfig config) {
        List<String> warnings = new ArrayList<>();
        String fqdn = config.server().fqdn();
        if (!fqdn.contains(".")) {
            warnings.add("server.fqdn '" + fqdn + "' is not a fully-qualified name: receivers that check HELO will"
                    + " refuse our mail (504 5.5.2 need fully-qualified hostname); set server.fqdn to this host's"
                    + " name in DNS, e.g. mail.example.com");
        } else if (fqdn.endsWith(LOCAL_DOMAIN)) {
            warnings.add("server.fqdn '" + fqdn + "' is no name in DNS (the default when the host name has no dot):"
                    + " receivers that check the HELO name may refuse our mail; set server.fqdn to this host's"
                    + " name in DNS, e.g. mail.example.com");
        }
        return new StartupWarnings(warnings);
    }

    /** True when the greeting name is not one a receiver on the internet can check. */
    public boolean fqdnUnqualified() {
        return warnings.stream().anyMatch(w -> w.startsWith("server.fqdn "));
    }

    public boolean isEmpty() {
        return warnings.isEmpty();
    }
}
