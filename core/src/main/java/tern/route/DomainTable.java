package tern.route;


/**
 * What the configuration says about each domain name it mentions: local, an exact route
 * domain, a subdomain route domain ({@code .name}), or several of these.
 *
 * <p>An open-addressing hash table keyed by the name, built once. Its point is
 * {@link #find(String, int, int)}: it looks up a <em>suffix</em> of a domain in place,
 * with the suffix's hash computed by the caller while walking the labels from the right,
 * so routing a recipient allocates nothing and costs one probe per label, whatever the
 * number of route domains.
 */
final class DomainTable {

    /** What is configured for one name; a field is null (or false) when not configured. */
    record Entry(String name, boolean local, NextHop exact, String exactAs, NextHop subdomains, String subdomainsAs) {
    }

    private final Entry[] slots;
    private final int mask;

    DomainTable(Iterable<Entry> entries, int size) {
        int capacity = Integer.highestOneBit(Math.max(4, size * 2 - 1)) << 1;
        slots = new Entry[capacity];
        mask = capacity - 1;
        for (Entry e : entries) {
            int i = spread(e.name().hashCode()) & mask;
            while (slots[i] != null) {
                if (slots[i].name().equals(e.name())) {
                    throw new IllegalStateException("duplicate entry " + e.name());
                }
                i = (i + 1) & mask;
            }
            slots[i] = e;
        }
    }

    /**
     * The entry named {@code domain.substring(from, to)}, or null.
     *
     * @param hash {@code domain.substring(from, to).hashCode()}, computed without the substring
     */
    Entry find(String domain, int from, int to, int hash) {
        int length = to - from;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            Entry e = slots[i];
            if (e == null) {
                return null;
            }
            String name = e.name();
            if (name.length() == length && name.regionMatches(0, domain, from, length)) {
                return e;
            }
        }
    }

    Entry find(String domain, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + domain.charAt(i);
        }
        return find(domain, from, to, h);
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
