package tern.recipient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tern.address.AddressParser;
import tern.address.InvalidAddressException;
import tern.address.Mailbox;
import tern.config.ConfigException;
import tern.envelope.Recipient;

/**
 * The valid recipients of the local domains ({@code domains.recipients}), and their aliases.
 * Without such a table every local part of a local domain is accepted (a catch-all, like the
 * IIS Drop directory); with it, an address it does not know is refused at RCPT time, where the
 * sender hears of it at once, instead of landing in a Maildir nobody reads.
 *
 * <p>The file, one entry a line; blank lines and lines starting with {@code #} are skipped:
 * <pre>
 * bob@example.test                      a mailbox: delivered to drop/example.test/bob/
 * &#64;lists.example.test                    every local part of that domain (its catch-all)
 * info@example.test: bob@example.test   an alias: mail to info goes to bob instead
 * team@example.test: bob@example.test, carol@partner.example
 *                                       several targets, local or remote
 * &#64;old.example.test: bob@example.test    every otherwise unknown local part, to one target
 * </pre>
 * An alias whose targets are aliases is followed to the end; one that lists itself keeps a
 * copy in its own mailbox ({@code bob@x: bob@x, bob@home.example}); other loops are refused
 * when the file is read. A local domain the file does not name at all accepts nobody but
 * {@code postmaster}, which RFC 5321 4.5.1 requires every domain to accept.
 *
 * <p>Local parts compare without regard to case, as domains do (RFC 5321 2.4 lets the
 * receiving host decide, and nobody wants {@code Bob} and {@code bob} to be different people);
 * a listed mailbox is delivered under the spelling the file gives it, so one person has one
 * folder.
 *
 * <p>Pure and immutable: reading the file and noticing changes is the caller's job.
 */
public final class LocalRecipients {

    /** What the table says about one address. */
    public sealed interface Lookup {
    }

    /** Not a valid recipient: refuse it (550 5.1.1). */
    public record Unknown() implements Lookup {
    }

    /** A mailbox of its own; {@code mailbox} is the spelling to deliver under. */
    public record Known(Mailbox mailbox) implements Lookup {
    }

    /** An alias: deliver to {@code targets} instead, in this order, each once. */
    public record Alias(List<Mailbox> targets) implements Lookup {
        public Alias {
            targets = List.copyOf(targets);
        }
    }

    private final Map<String, Mailbox> mailboxes;
    private final Map<String, List<Mailbox>> aliases;
    private final Set<String> catchAllDomains;
    private final Map<String, List<Mailbox>> domainAliases;

    private LocalRecipients(Map<String, Mailbox> mailboxes, Map<String, List<Mailbox>> aliases,
                            Set<String> catchAllDomains, Map<String, List<Mailbox>> domainAliases) {
        this.mailboxes = Map.copyOf(mailboxes);
        this.aliases = Map.copyOf(aliases);
        this.catchAllDomains = Set.copyOf(catchAllDomains);
        this.domainAliases = Map.copyOf(domainAliases);
    }

    /**
     * Reads the file's text.
     *
     * @param source names the file in errors, e.g. its path
     * @throws ConfigException naming the source and line of the first entry that is not valid
     */
    public static LocalRecipients parse(String text, String source) {
        Map<String, Mailbox> mailboxes = new HashMap<>();
        Map<String, List<Mailbox>> written = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Set<String> catchAll = new HashSet<>();
        Map<String, List<Mailbox>> domainAliases = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (n + 1);
            int colon = separator(line);
            String left = (colon < 0 ? line : line.substring(0, colon)).strip();
            if (colon < 0) {
                if (left.startsWith("@")) {
                    catchAll.add(domain(where, left));
                } else {
                    Mailbox m = mailbox(where, left);
                    mailboxes.putIfAbsent(key(m), m);
                }
                continue;
            }
            List<Mailbox> targets = targets(where, line.substring(colon + 1));
            String k = left.startsWith("@") ? "@" + domain(where, left) : key(mailbox(where, left));
            Map<String, List<Mailbox>> into = left.startsWith("@") ? domainAliases : written;
            if (into.putIfAbsent(k, targets) != null) {
                throw new ConfigException(where, left, "each alias once");
            }
            lineOf.put(k, n + 1);
        }
        for (String k : written.keySet()) {
            if (mailboxes.containsKey(k)) {
                throw new ConfigException(source + " line " + lineOf.get(k), k,
                        "an address listed either as a mailbox or as an alias, not both");
            }
        }
        Map<String, List<Mailbox>> aliases = new HashMap<>();
        for (String k : written.keySet()) {
            aliases.put(k, expand(k, written, new ArrayList<>(), source, lineOf));
        }
        for (Map.Entry<String, List<Mailbox>> e : domainAliases.entrySet()) {
            e.setValue(expandAll(e.getKey(), e.getValue(), written, new ArrayList<>(), source, lineOf));
        }
        return new LocalRecipients(mailboxes, aliases, catchAll, domainAliases);
    }

    /**
     * In order: an alias, a mailbox, the domain's catch-all alias, the domain's catch-all,
     * then {@code postmaster}; anything else is unknown.
     */
    public Lookup find(Mailbox address) {
        String k = key(address);
        List<Mailbox> targets = aliases.get(k);
        if (targets != null) {
            return new Alias(targets);
        }
        Mailbox listed = mailboxes.get(k);
        if (listed != null) {
            return new Known(listed);
        }
        targets = domainAliases.get("@" + address.domain());
        if (targets != null) {
            return new Alias(targets);
        }
        if (catchAllDomains.contains(address.domain()) || address.localPart().equalsIgnoreCase("postmaster")) {
            return new Known(address);
        }
        return new Unknown();
    }

    /**
     * The recipients an accepted RCPT stands for: none when the address is unknown, else the
     * recipient itself or what it is rewritten to. A rewritten recipient keeps its NOTIFY and
     * carries the address the client gave as its ORCPT (RFC 3461 4.2), unless the client sent
     * one, so that a DSN names the address the sender knows.
     */
    public List<Recipient> accept(Recipient recipient) {
        return switch (find(recipient.address())) {
            case Unknown u -> List.of();
            case Known k -> k.mailbox().equals(recipient.address()) ? List.of(recipient)
                    : List.of(forwarded(recipient, k.mailbox()));
            case Alias a -> a.targets().stream().map(t -> t.equals(recipient.address()) ? recipient
                    : forwarded(recipient, t)).toList();
        };
    }

    /** Mailboxes, aliases and domain entries in the table. */
    public int size() {
        return mailboxes.size() + aliases.size() + catchAllDomains.size() + domainAliases.size();
    }

    private static Recipient forwarded(Recipient original, Mailbox target) {
        String orcpt = original.orcpt() != null ? original.orcpt() : OriginalRecipientParameter.of(original.address());
        return new Recipient(target, original.notifyOn(), orcpt);
    }

    /** The alias {@code k} followed to mailboxes; {@code path} holds the aliases being followed. */
    private static List<Mailbox> expand(String k, Map<String, List<Mailbox>> written, List<String> path,
                                        String source, Map<String, Integer> lineOf) {
        if (path.contains(k)) {
            throw new ConfigException(source + " line " + lineOf.get(path.getFirst()), String.join(" -> ", path) + " -> " + k,
                    "aliases that do not loop");
        }
        path.add(k);
        List<Mailbox> out = expandAll(k, written.get(k), written, path, source, lineOf);
        path.removeLast();
        return out;
    }

    private static List<Mailbox> expandAll(String self, List<Mailbox> targets, Map<String, List<Mailbox>> written,
                                           List<String> path, String source, Map<String, Integer> lineOf) {
        LinkedHashSet<Mailbox> out = new LinkedHashSet<>();
        for (Mailbox t : targets) {
            String tk = key(t);
            if (tk.equals(self) || !written.containsKey(tk)) {
                out.add(t); // a mailbox, local or remote; or the alias's own mailbox
            } else {
                out.addAll(expand(tk, written, path, source, lineOf));
            }
        }
        return List.copyOf(out);
    }

    /** The ':' that ends an alias, outside a quoted local part; -1 when the line is no alias. */
    private static int separator(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ':' && !quoted && !insideLiteral(line, i)) {
                return i;
            }
        }
        return -1;
    }

    /** A ':' inside an IPv6 address literal ({@code [IPv6:2001:db8::1]}) is part of the address. */
    private static boolean insideLiteral(String line, int i) {
        int open = line.lastIndexOf('[', i);
        return open >= 0 && line.indexOf(']', open) > i;
    }

    private static List<Mailbox> targets(String where, String text) {
        List<Mailbox> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.strip();
            if (t.isEmpty()) {
                throw new ConfigException(where, text.strip(), "one or more target addresses, separated by commas");
            }
            out.add(mailbox(where, t));
        }
        return out;
    }

    private static Mailbox mailbox(String where, String text) {
        String t = text.startsWith("<") && text.endsWith(">") ? text.substring(1, text.length() - 1) : text;
        try {
            return AddressParser.parseMailbox("<" + t + ">", true);
        } catch (InvalidAddressException e) {
            throw new ConfigException(where, text, "an address user@domain, @domain, or alias: target, ... ("
                    + e.getMessage() + ")");
        }
    }

    /** The domain of an {@code @domain} entry. */
    private static String domain(String where, String text) {
        try {
            return AddressParser.parseMailbox("<x" + text + ">", true).domain();
        } catch (InvalidAddressException e) {
            throw new ConfigException(where, text, "@ and a domain name or address literal (" + e.getMessage() + ")");
        }
    }

    private static String key(Mailbox m) {
        return m.localPart().toLowerCase(Locale.ROOT) + "@" + m.domain();
    }
}
