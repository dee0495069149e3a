package tern.dns;

import java.util.List;
import org.xbill.DNS.Record;

/** One RRset answer as the cache keeps it; {@code ttl} in seconds. */
sealed interface DnsAnswer {

    record Records(List<Record> records, long ttl) implements DnsAnswer {
        public Records {
            records = List.copyOf(records);
        }
    }

    /** Only a CNAME: the asked type lives at {@code target}, to be asked next. */
    record Alias(org.xbill.DNS.Name target, long ttl) implements DnsAnswer {
    }

    /** NOERROR without records of the asked type. */
    record NoData(long ttl) implements DnsAnswer {
    }

    record NxDomain(long ttl) implements DnsAnswer {
    }

    /** SERVFAIL, REFUSED, timeout, a broken answer: never cached. */
    record Failure(String text) implements DnsAnswer {
    }

    default long ttl() {
        return switch (this) {
            case Records r -> r.ttl();
            case Alias a -> a.ttl();
            case NoData n -> n.ttl();
            case NxDomain n -> n.ttl();
            case Failure f -> 0;
        };
    }
}
