package tern.tls;

import java.util.List;
import tern.client.ClientSettings;
import tern.dns.MxHost;
import tern.smtp.Reply;

/**
 * The MX hosts a delivery may try, in order, each with the TLS it must get, after MTA-STS
 * and DANE had their say; or, when none is left, why not.
 *
 * @param candidates the hosts to try, in MX order
 * @param refusal    when {@code candidates} is empty: the transient reply every recipient gets
 */
public record MxPlan(List<Candidate> candidates, Reply refusal) {

    public MxPlan {
        candidates = List.copyOf(candidates);
    }

    /** One host and the settings (TLS level and context) for connections to it. */
    public record Candidate(MxHost host, ClientSettings settings) {
    }

    /** Every host with the same settings: no MTA-STS or DANE in play. */
    public static MxPlan plain(List<MxHost> hosts, ClientSettings settings) {
        return new MxPlan(hosts.stream().map(h -> new Candidate(h, settings)).toList(), null);
    }
}
