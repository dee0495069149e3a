package tern.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's arguments split into flags ({@code --follow}), options with a value
 * ({@code --config FILE} or {@code --config=FILE}) and positionals, in any order.
 * {@code --} ends the options. Anything else starting with {@code -} is a usage error.
 */
final class Arguments {
    private final Set<String> flags = new HashSet<>();
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positionals = new ArrayList<>();

    Arguments(List<String> args, Set<String> knownFlags, Set<String> knownOptions) {
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
                positionals.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (knownFlags.contains(name) && eq < 0) {
                flags.add(name);
            } else if (knownOptions.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (value.isEmpty()) {
                    throw new UsageException(name + " needs a value");
                }
                if (options.putIfAbsent(name, value) != null) {
                    throw new UsageException(name + " given twice");
                }
            } else {
                throw new UsageException("unknown option " + arg);
            }
        }
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }

    List<String> positionals() {
        return positionals;
    }

    /** The positionals, which must number from {@code min} to {@code max}. */
    List<String> positionals(int min, int max, String what) {
        if (positionals.size() < min) {
            throw new UsageException("missing " + what);
        }
        if (positionals.size() > max) {
            throw new UsageException("unexpected argument " + positionals.get(max));
        }
        return positionals;
    }
}
