package tern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tern.config.ConfigReader;
import tern.config.ConfigTemplate;
import tern.config.Parameter;
import tern.config.Parameters;
import tern.config.Settings;
import tern.config.Settings.Setting;

/**
 * {@code tern config}: every effective setting as {@code key = value}, in the manner of Postfix's
 * {@code postconf}. {@code -n} shows only what the file sets, {@code -d} the defaults; names
 * after the options pick keys or whole sections ({@code delivery.retry}).
 */
final class ConfigCommand implements Command {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public String summary() {
        return "print the effective settings, key = value (postconf style)";
    }

    @Override
    public String usage() {
        return """
                usage: tern config [-n | -d] [--config FILE] [KEY ...]
                       tern config --markdown | --yaml

                Prints every setting as `key = value`, in the order of the README's table:
                the value in force under the configuration file (or the defaults).
                  -n          only the keys the file sets
                  -d          the defaults, whatever the file says
                  KEY         only these keys; a section name (delivery.retry) picks all of
                              its keys; items of lists show as routes[0].domain
                  --markdown  the README's configuration table, generated from the same table
                  --yaml      a configuration file naming every key at its default, with
                              its meaning as a comment (a release's conf/tern.yaml)
                Passwords print as ***. Exits 64 for a key Tern does not know.
                """;
    }

    @Override
    public int run(List<String> args, Terminal terminal) {
        Arguments a = new Arguments(args, Set.of("-n", "-d", "--markdown", "--yaml"), Set.of("--config"));
        if (a.flag("--markdown")) {
            terminal.out().print(Parameters.markdownTable());
            return Exit.OK;
        }
        if (a.flag("--yaml")) {
            terminal.out().print(ConfigTemplate.yaml());
            return Exit.OK;
        }
        boolean onlyFile = a.flag("-n");
        boolean defaults = a.flag("-d");
        if (onlyFile && defaults) {
            throw new UsageException("-n and -d do not go together");
        }
        List<String> keys = a.positionals(0, Integer.MAX_VALUE, "KEY");
        for (String key : keys) {
            if (!known(key)) {
                terminal.err().println("tern config: unknown key '" + key + "'; 'tern config' lists them all");
                return Exit.USAGE;
            }
        }
        Settings settings = defaults
                ? ConfigReader.read(Map.of(), null, terminal.hostName()).settings()
                : terminal.settings(a.option("--config")).settings();
        List<Setting> shown = new ArrayList<>(onlyFile ? settings.inFile() : settings.all());
        if (!keys.isEmpty()) {
            shown.removeIf(s -> keys.stream().noneMatch(k -> matches(s, k)));
        }
        for (Setting s : shown) {
            terminal.out().println(s);
        }
        return Exit.OK;
    }

    private static boolean known(String key) {
        String k = schemaKey(key);
        return Parameters.all().stream().map(Parameter::key).anyMatch(p -> p.equals(k) || p.startsWith(k + ".")
                || p.startsWith(k + "[]."));
    }

    private static boolean matches(Setting s, String key) {
        return s.key().equals(key) || s.key().startsWith(key + ".") || s.key().startsWith(key + "[")
                || s.parameter().key().equals(schemaKey(key)) || s.parameter().key().startsWith(schemaKey(key) + ".");
    }

    /** {@code routes[1].domain} and {@code routes[].domain} both name the parameter {@code routes[].domain}. */
    private static String schemaKey(String key) {
        return key.replaceAll("\\[\\d*]", "[]");
    }
}
