package tern.client;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tern.smtp.Reply;

/**
 * The service extensions a peer announced in its EHLO reply (RFC 5321 4.1.1.1).
 *
 * @param sizeLimit      SIZE (RFC 1870): -1 when not offered, 0 when offered without a fixed limit
 * @param authMechanisms AUTH (RFC 4954) mechanism names in upper case; empty when not offered
 */
public record EhloExtensions(
        long sizeLimit,
        boolean pipelining,
        boolean eightBitMime,
        boolean smtpUtf8,
        boolean startTls,
        Set<String> authMechanisms,
        boolean dsn,
        boolean chunking,
        boolean enhancedStatusCodes) {

    /** A peer that answered HELO only: no extensions at all. */
    public static final EhloExtensions NONE =
            new EhloExtensions(-1, false, false, false, false, Set.of(), false, false, false);

    public EhloExtensions {
        authMechanisms = Set.copyOf(authMechanisms);
    }

    public boolean sizeOffered() {
        return sizeLimit >= 0;
    }

    /** The first line is the greeting ("mx.example.test greets you"); each other line is one extension. */
    public static EhloExtensions parse(Reply ehlo) {
        long size = -1;
        boolean pipelining = false;
        boolean eightBit = false;
        boolean utf8 = false;
        boolean tls = false;
        Set<String> auth = new LinkedHashSet<>();
        boolean dsn = false;
        boolean chunking = false;
        boolean enhanced = false;
        List<String> lines = ehlo.lines();
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).strip().split("[ =]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            switch (words[0].toUpperCase(Locale.ROOT)) {
                case "SIZE" -> size = words.length > 1 ? parseSize(words[1]) : 0;
                case "PIPELINING" -> pipelining = true;
                case "8BITMIME" -> eightBit = true;
                case "SMTPUTF8" -> utf8 = true;
                case "STARTTLS" -> tls = true;
                case "AUTH" -> {
                    for (int w = 1; w < words.length; w++) {
                        auth.add(words[w].toUpperCase(Locale.ROOT));
                    }
                }
                case "DSN" -> dsn = true;
                case "CHUNKING" -> chunking = true;
                case "ENHANCEDSTATUSCODES" -> enhanced = true;
                default -> { }
            }
        }
        return new EhloExtensions(size, pipelining, eightBit, utf8, tls, auth, dsn, chunking, enhanced);
    }

    private static long parseSize(String word) {
        try {
            return Math.max(0, Long.parseLong(word));
        } catch (NumberFormatException e) {
            return 0; // a SIZE we cannot read limits nothing we know of
        }
    }
}
