package tern.admin.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Escaping, the one thing every page must get right: sender addresses, recipient addresses,
 * replies of remote servers and header lines are written by strangers. Every value that is not
 * a literal of the page goes through {@link #text} (element content and quoted attribute values
 * alike), and into a URL through {@link #query}.
 */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Html() {
    }

    /** {@code value} as HTML text; safe in element content and in double- or single-quoted attributes. */
    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            // Control characters other than tab and line breaks have no business on a page.
            if (entity == null && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                entity = "\uFFFD";
            }
            if (entity != null) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(entity);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** {@code value} as one query parameter value. */
    static String query(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** A {@code <time>} element: UTC, machine-readable in its attribute. */
    static String time(Instant at) {
        if (at == null) {
            return "";
        }
        return "<time datetime=\"" + text(at.toString()) + "\">" + text(TIME.format(at)) + "</time>";
    }

    /**
     * A duration as people read it, in its two largest units: {@code 15m}, {@code 2h 30m},
     * {@code 14m 56s}, {@code 3d 4h}; negative ones as {@code 0s}.
     */
    static String duration(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        long[] amounts = {seconds / 86_400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
        String[] units = {"d", "h", "m", "s"};
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < amounts.length && shown < 2; i++) {
            if (amounts[i] > 0 || shown > 0) {
                if (amounts[i] > 0) {
                    out.append(out.isEmpty() ? "" : " ").append(amounts[i]).append(units[i]);
                }
                shown++;
            }
        }
        return out.isEmpty() ? "0s" : out.toString();
    }

    /** An age or a wait, negative ones as zero. */
    static String since(Instant from, Instant now) {
        return duration(Duration.between(from, now));
    }

    /** A hidden field with the session's CSRF token: every form that acts carries one. */
    static String csrf(Viewer viewer) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + text(viewer.csrf()) + "\">";
    }

    /** Octets in the units people read: 812 B, 14 KB, 3.2 MB. */
    static String size(long octets) {
        if (octets < 1000) {
            return octets + " B";
        }
        if (octets < 1_000_000) {
            return (octets + 500) / 1000 + " KB";
        }
        return String.format(java.util.Locale.ROOT, "%.1f MB", octets / 1_000_000.0);
    }
}
