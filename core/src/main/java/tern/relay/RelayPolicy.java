package tern.relay;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import tern.address.DomainName;
import tern.address.Mailbox;
import tern.config.TernConfig;

/**
 * Who may send mail where: mail for a local domain is always
 * accepted; mail for any other domain only from a client in {@code relay.allowFrom}, or for
 * a domain in {@code relay.domains}. Anything else would make us an open relay.
 */
public final class RelayPolicy {

    private final Set<String> localDomains;
    private final Set<String> relayDomains;
    private final List<Cidr> allowFrom;

    public RelayPolicy(List<String> localDomains, List<String> relayDomains, List<Cidr> allowFrom) {
        this.localDomains = lower(localDomains);
        this.relayDomains = lower(relayDomains);
        this.allowFrom = List.copyOf(allowFrom);
    }

    public static RelayPolicy from(TernConfig config) {
        return new RelayPolicy(config.domains().local(), config.relay().domains(),
                config.relay().allowFrom().stream().map(Cidr::parse).toList());
    }

    /** Whether mail for this domain is ours to deliver. An address literal never is. */
    public boolean isLocal(String domain) {
        return !domain.startsWith("[") && localDomains.contains(ascii(domain));
    }

    /** Whether this client may relay to anywhere. Worth caching per session. */
    public boolean mayRelay(InetAddress client) {
        for (Cidr cidr : allowFrom) {
            if (cidr.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a RCPT to {@code recipient} from a client (that may or may not relay) is accepted. */
    public boolean accepts(Mailbox recipient, boolean clientMayRelay) {
        String domain = recipient.domain();
        return clientMayRelay || isLocal(domain) || (!recipient.isAddressLiteral() && relayDomains.contains(ascii(domain)));
    }

    private static Set<String> lower(List<String> domains) {
        return domains.stream().map(RelayPolicy::ascii).collect(Collectors.toUnmodifiableSet());
    }

    /** A-labels (bücher.example is xn--bcher-kva.example); a name that is no valid IDN stays as it is. */
    private static String ascii(String domain) {
        try {
            return DomainName.toAscii(domain);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }
}
