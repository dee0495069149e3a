package tern.testing;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The DNSSEC half of {@link TestDnsServer}: zones it signs on the fly with one ECDSA P-256
 * key each (algorithm 13, one key as KSK and ZSK). To a query with the DO bit for a name in
 * a signed zone, every RRset of the answer and authority sections gets its RRSIG, and a
 * negative answer gets the zone's SOA and the NSEC records that prove it (RFC 4035 3.1.3):
 * the NSEC at the name for NODATA, the NSECs covering the name and the wildcard of its
 * closest encloser for NXDOMAIN. The NSEC chain is computed from the records the server
 * holds at the time of the query.
 */
final class SignedZones {
    private record Zone(Name apex, DNSKEYRecord key, PrivateKey privateKey, SOARecord soa) {
    }

    private final Map<Name, Zone> zones = new ConcurrentHashMap<>();

    /** Signs {@code apex}: its DNSKEY and SOA are added through {@code add}. Returns the zone's DS record. */
    DSRecord sign(Name apex, long ttl, long negativeTtl, Function<Record, ?> add) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            DNSKEYRecord key = new DNSKEYRecord(apex, DClass.IN, ttl, DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
                    DNSKEYRecord.Protocol.DNSSEC, DNSSEC.Algorithm.ECDSAP256SHA256, pair.getPublic());
            SOARecord soa = new SOARecord(apex, DClass.IN, negativeTtl, new Name("ns", apex), new Name("hostmaster", apex),
                    1, 3600, 600, 86400, negativeTtl);
            add.apply(key);
            add.apply(soa);
            zones.put(apex, new Zone(apex, key, pair.getPrivate(), soa));
            return new DSRecord(apex, DClass.IN, ttl, DNSSEC.Digest.SHA256, key);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign " + apex, e);
        }
    }

    /** Adds what a validator needs to {@code response} when the query asked for DNSSEC records. */
    void decorate(Message query, Message response, Map<Name, List<Record>> records) {
        OPTRecord opt = query.getOPT();
        if (opt == null || (opt.getFlags() & ExtendedFlags.DO) == 0) {
            return;
        }
        response.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Name qname = query.getQuestion().getName();
        int qtype = query.getQuestion().getType();
        Zone zone = zoneOf(qname);
        if (zone == null) {
            return;
        }
        boolean answered = response.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == qtype);
        if (!answered && response.getRcode() != Rcode.SERVFAIL) {
            response.removeAllRecords(Section.AUTHORITY);
            response.addRecord(zone.soa(), Section.AUTHORITY);
            TreeSet<Name> chain = chain(zone, records);
            if (response.getRcode() == Rcode.NXDOMAIN) {
                response.addRecord(nsec(zone, chain.lower(qname), chain, records), Section.AUTHORITY);
                Name wildcard = wildcardOf(closestEncloser(qname, chain));
                Record covering = nsec(zone, chain.lower(wildcard), chain, records);
                if (!response.getSection(Section.AUTHORITY).contains(covering)) {
                    response.addRecord(covering, Section.AUTHORITY);
                }
            } else if (chain.contains(qname)) {
                response.addRecord(nsec(zone, qname, chain, records), Section.AUTHORITY);
            } else {
                response.addRecord(nsec(zone, chain.lower(qname), chain, records), Section.AUTHORITY); // empty non-terminal
            }
        }
        signSection(zone, response, Section.ANSWER);
        signSection(zone, response, Section.AUTHORITY);
    }

    private Zone zoneOf(Name name) {
        Zone best = null;
        for (Zone z : zones.values()) {
            if (name.subdomain(z.apex()) && (best == null || z.apex().labels() > best.apex().labels())) {
                best = z;
            }
        }
        return best;
    }

    private static TreeSet<Name> chain(Zone zone, Map<Name, List<Record>> records) {
        TreeSet<Name> names = new TreeSet<>(); // Name's order is DNSSEC's canonical order
        for (Map.Entry<Name, List<Record>> e : records.entrySet()) {
            if (e.getKey().subdomain(zone.apex()) && !e.getValue().isEmpty()) {
                names.add(e.getKey());
            }
        }
        names.add(zone.apex());
        return names;
    }

    private static Name closestEncloser(Name qname, TreeSet<Name> chain) {
        for (int strip = 1; strip < qname.labels(); strip++) {
            Name ancestor = new Name(qname, strip);
            Name after = chain.ceiling(ancestor);
            if (chain.contains(ancestor) || (after != null && after.subdomain(ancestor))) {
                return ancestor;
            }
        }
        return Name.root;
    }

    private static Name wildcardOf(Name encloser) {
        try {
            return Name.concatenate(Name.fromString("*"), encloser);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Record nsec(Zone zone, Name owner, TreeSet<Name> chain, Map<Name, List<Record>> records) {
        Name next = chain.higher(owner);
        if (next == null) {
            next = zone.apex();
        }
        Set<Integer> types = new TreeSet<>();
        for (Record r : records.getOrDefault(owner, List.of())) {
            types.add(r.getType());
        }
        types.add(Type.RRSIG);
        types.add(Type.NSEC);
        return new NSECRecord(owner, DClass.IN, zone.soa().getMinimum(), next,
                types.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void signSection(Zone zone, Message response, int section) {
        Map<String, List<Record>> sets = new LinkedHashMap<>();
        for (Record r : response.getSection(section)) {
            if (r.getType() != Type.RRSIG && r.getName().subdomain(zone.apex())) {
                sets.computeIfAbsent(r.getName() + "/" + r.getType(), k -> new ArrayList<>()).add(r);
            }
        }
        Instant now = Instant.now();
        for (List<Record> set : sets.values()) {
            try {
                RRSIGRecord sig = DNSSEC.sign(new RRset(set), zone.key(), zone.privateKey(),
                        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
                response.addRecord(sig, section);
            } catch (DNSSEC.DNSSECException e) {
                throw new IllegalStateException("cannot sign " + set, e);
            }
        }
    }
}
