package tern.sts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's MTA-STS policy (RFC 8461 3.2): how strictly senders must protect mail to it
 * and which MX hosts may receive it.
 *
 * @param mode   what a sender does when an MX host does not match or its TLS fails
 * @param mx     the MX patterns: host names, or {@code *.example.com} for one label more
 * @param maxAge how long a sender may keep the policy (at most a year, RFC 8461 3.2)
 */
public record StsPolicy(Mode mode, List<String> mx, Duration maxAge) {

    /** RFC 8461 3.2: {@code max_age} is at most 31557600 seconds (one year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;

    public enum Mode {
        /** Only MX hosts that match, only over TLS with a verified certificate; otherwise defer. */
        ENFORCE,
        /** Deliver as without a policy, and report (here: log) what enforce would have refused. */
        TESTING,
        /** The domain withdrew its policy: deliver as without one. */
        NONE
    }

    public StsPolicy {
        mx = mx.stream().map(StsPolicy::normalize).toList();
    }

    /**
     * Reads a policy file. Lines end in CRLF or LF; keys are case-sensitive as the ABNF
     * writes them; unknown keys are ignored (extensions); of a key other than {@code mx}
     * written twice, the first counts.
     *
     * @throws StsPolicyException naming what is wrong: a version other than STSv1, a missing
     *                            or unknown mode, a missing or out-of-range max_age, no mx for
     *                            enforce or testing, or an mx pattern that is not a host name
     */
    public static StsPolicy parse(String text) throws StsPolicyException {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new StsPolicyException("policy line without key and value: " + abbreviated(line));
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(value);
                default -> { } // RFC 8461 3.2: extension fields a sender does not know are ignored
            }
        }
        if (!"STSv1".equals(version)) {
            throw new StsPolicyException(version == null ? "policy has no version" : "policy version is not STSv1");
        }
        Mode m = switch (mode == null ? "" : mode) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new StsPolicyException(mode == null ? "policy has no mode"
                    : "policy mode '" + abbreviated(mode) + "' is not enforce, testing or none");
        };
        if (maxAge == null || !maxAge.matches("[0-9]{1,10}") || Long.parseLong(maxAge) > MAX_AGE_LIMIT) {
            throw new StsPolicyException(maxAge == null ? "policy has no max_age"
                    : "policy max_age '" + abbreviated(maxAge) + "' is not a number of seconds up to " + MAX_AGE_LIMIT);
        }
        for (String pattern : mx) {
            if (!isPattern(pattern)) {
                throw new StsPolicyException("policy mx '" + abbreviated(pattern) + "' is not a host name or *.domain");
            }
        }
        if (m != Mode.NONE && mx.isEmpty()) {
            throw new StsPolicyException("policy in mode " + mode + " names no mx");
        }
        return new StsPolicy(m, mx, Duration.ofSeconds(Long.parseLong(maxAge)));
    }

    /**
     * Whether {@code host} (an MX host name, A-labels) is one the policy allows. RFC 8461 4.1:
     * a pattern is a host name compared case-insensitively, or {@code *.} and a domain, which
     * stands for exactly one more label at the left ({@code *.example.com} matches
     * {@code mx1.example.com}, not {@code example.com} nor {@code a.b.example.com}).
     */
    public boolean allows(String host) {
        String h = normalize(host);
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (pattern.equals(h)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPattern(String pattern) {
        String name = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : normalize(name).split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || !label.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?")) {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String abbreviated(String s) {
        String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 60 ? printable : printable.substring(0, 60) + "...";
    }
}
