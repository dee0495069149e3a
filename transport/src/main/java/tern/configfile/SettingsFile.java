package tern.configfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import tern.config.ConfigException;
import tern.config.ConfigReader;
import tern.config.Parameter;
import tern.config.Parameters;
import tern.config.ValueType;
import tern.fs.AtomicFiles;

/**
 * The configuration file as something the console changes: a value typed into a form is checked
 * by its key's type from the parameter table, written into the file's text in place
 * ({@link YamlEdit}), and the whole new text is loaded as a start would load it before anything
 * is written. Then the old file is kept as {@code <file>.bak} and the new one renamed into place,
 * with the old one's permissions (a file with a password in it stays the owner's).
 */
public final class SettingsFile {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]*");

    private final Path file;
    private final ConfigLoader loader;

    /**
     * @param file   the file the server was started with
     * @param loader the loader that read it (same working directory and host name)
     */
    public SettingsFile(Path file, ConfigLoader loader) {
        this.file = file.toAbsolutePath();
        this.loader = loader;
    }

    public Path file() {
        return file;
    }

    /** The file as a start would read it now, with every key's effective value. */
    public ConfigReader.Result read() {
        var config = loader.load(file);
        return new ConfigReader.Result(config, loader.settings());
    }

    /**
     * What a set of changes makes of the file.
     *
     * @param text    the new text; null when there are errors
     * @param errors  key to the message naming it (the start-up message for the same mistake)
     * @param changed the keys changed, in the order given
     */
    public record Edit(String text, Map<String, String> errors, List<String> changed) {
    }

    /**
     * Applies {@code values} (dotted key to the text typed; "" = remove the key, back to its
     * default) to the file's text and checks the result whole. Writes nothing.
     */
    public Edit edit(Map<String, String> values) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> change : values.entrySet()) {
            String key = change.getKey();
            Parameter<?> p = Parameters.find(key);
            if (p == null || key.contains("[]")) {
                errors.put(key, key + ": not a key the console can change");
                continue;
            }
            String typed = change.getValue().strip();
            try {
                text = typed.isEmpty() ? YamlEdit.remove(text, key) : YamlEdit.set(text, key, yaml(p, typed));
                changed.add(key);
            } catch (ConfigException e) {
                errors.put(key, e.getMessage());
            } catch (IllegalArgumentException e) {
                errors.put(key, key + ": " + e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            try {
                loader.parse(text, file.toString());
            } catch (ConfigException e) {
                errors.put(e.key(), e.getMessage());
            }
        }
        return new Edit(errors.isEmpty() ? text : null, errors, changed);
    }

    /** Keeps the current file as {@code <file>.bak}, then puts {@code text} in its place; both atomically. */
    public void write(String text) throws IOException {
        Path target = file.toRealPath(); // a symbolic link stays one: the file it names is replaced
        Path dir = target.getParent();
        Set<PosixFilePermission> mode = mode(target);
        byte[] old = Files.readAllBytes(target);
        AtomicFiles.write(dir.resolve("." + target.getFileName() + ".bak.tmp"), dir.resolve(target.getFileName() + ".bak"),
                mode, old);
        AtomicFiles.write(dir.resolve("." + target.getFileName() + ".tmp"), target, mode,
                text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The value as YAML should carry it: the text as typed when the key's type takes it as text
     * ({@code 15m}, {@code off}), else what YAML would read from it ({@code 25}, {@code true}),
     * and then written so that it reads back the same.
     */
    static <T> String yaml(Parameter<T> p, String typed) {
        if (typed.indexOf('\n') >= 0 || typed.indexOf('\r') >= 0) {
            throw new ConfigException(p.key(), typed, "one line");
        }
        ValueType<T> type = p.type();
        if (accepts(type, typed)) {
            return scalar(typed);
        }
        Object read = read(typed);
        if ((read instanceof Boolean || read instanceof Integer) && accepts(type, read)) {
            return String.valueOf(read);
        }
        throw new ConfigException(p.key(), typed, type.expected());
    }

    private static boolean accepts(ValueType<?> type, Object raw) {
        try {
            type.parse(raw);
            return true;
        } catch (ValueType.Invalid e) {
            return false;
        }
    }

    /** A string as a YAML scalar: bare when YAML reads it back as the same string, else double-quoted. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && s.equals(read(s))) {
            return s;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static Object read(String scalar) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(scalar);
        } catch (YAMLException e) {
            return null;
        }
    }

    private static Set<PosixFilePermission> mode(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException | IOException e) {
            return null;
        }
    }
}
