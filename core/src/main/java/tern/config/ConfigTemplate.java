package tern.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tern.config.Parameter.Defaults;

/**
 * A configuration file that names every key at its default with its meaning as a comment,
 * generated from {@link Parameters}: what a release ships as {@code conf/tern.yaml}. Keys whose
 * default depends on the machine (the FQDN) or is "none" are written commented out, so the file
 * loads into exactly the defaults wherever it is installed.
 */
public final class ConfigTemplate {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]*");

    private ConfigTemplate() {
    }

    public static String yaml() {
        StringBuilder out = new StringBuilder("""
                # Tern configuration: every key at its default. Remove or change what you need;
                # a key that is not written keeps its default. `tern config -n` shows what this
                # file changes, `tern config` every value in force.
                """);
        List<String> open = new ArrayList<>();
        for (Parameter<?> p : Parameters.all()) {
            List<String> path = List.of(p.key().split("\\."));
            boolean listItem = p.key().contains("[]");
            int common = 0;
            while (common < open.size() && common < path.size() - 1 && open.get(common).equals(path.get(common))) {
                common++;
            }
            while (open.size() > common) {
                open.removeLast();
            }
            for (int i = common; i < path.size() - 1; i++) {
                String name = path.get(i);
                if (i == 0) {
                    out.append('\n');
                }
                if (name.endsWith("[]")) {
                    out.append(indent(i)).append("# ").append(name, 0, name.length() - 2)
                            .append(":   # a list; each item is a mapping of these keys:\n");
                } else {
                    // Inside a commented-out list item the mapping's name is commented out too, or
                    // it would land in the section above the list (routes[].auth as delivery.auth).
                    boolean inList = path.subList(0, i).stream().anyMatch(n -> n.endsWith("[]"));
                    out.append(indent(i)).append(inList ? "# " : "").append(name).append(":\n");
                }
                open.add(name);
            }
            int depth = path.size() - 1;
            out.append(indent(depth)).append("# ").append(p.description().replace("`", "")).append('\n');
            Object value = p.defaultFor(new Defaults("localhost", "localhost"));
            boolean commented = listItem || value == null || p.defaultText() != null && !isLiteral(p);
            out.append(indent(depth)).append(commented ? "# " : "").append(p.name()).append(':');
            if (commented) {
                String shown = p.readmeDefault().replace("`", "");
                out.append(shown.isEmpty() ? "\n" : "   # default: " + shown + "\n");
            } else {
                out.append(' ').append(yamlValue(p, value)).append('\n');
            }
        }
        return out.toString();
    }

    /** A default the README words differently but that is the same on every machine. */
    private static boolean isLiteral(Parameter<?> p) {
        return p == Parameters.SERVER_DATA_DIR || p == Parameters.DNS_SERVERS;
    }

    @SuppressWarnings("unchecked")
    private static <T> String yamlValue(Parameter<T> p, Object value) {
        if (value instanceof List<?> list) {
            return "[" + String.join(", ", list.stream().map(v -> quoted(String.valueOf(v))).toList()) + "]";
        }
        if (value instanceof Boolean || value instanceof Integer) {
            return String.valueOf(value);
        }
        return quoted(p.type().format((T) value));
    }

    private static String quoted(String s) {
        if (PLAIN.matcher(s).matches() && !s.equalsIgnoreCase("off") && !s.equalsIgnoreCase("on")
                && !s.equalsIgnoreCase("yes") && !s.equalsIgnoreCase("no")) {
            return s;
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String indent(int depth) {
        return "  ".repeat(depth);
    }
}
