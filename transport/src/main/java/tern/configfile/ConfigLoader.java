package tern.configfile;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import tern.config.ConfigException;
import tern.config.ConfigReader;
import tern.config.Parameter;
import tern.config.Parameters;
import tern.config.Settings;
import tern.config.TernConfig;

/**
 * Reads the one YAML configuration file into a {@link TernConfig}. Every key is optional and
 * takes its default from {@link Parameters}; a key Tern does not know, a value of the wrong
 * type or a value out of range throws a {@link ConfigException} naming the full dotted key
 * ({@link ConfigReader} does the checking, from the table).
 *
 * <p>Relative paths ({@code server.dataDir}, {@code server.tls.*}) resolve against
 * {@code baseDir}, the directory tern was started from. The loaded configuration holds
 * absolute paths only.
 *
 * <p>The YAML is read with SnakeYAML's {@link SafeConstructor} into plain maps and lists: no
 * bean binding, no tags that build arbitrary objects.
 */
public final class ConfigLoader {
    private final Path baseDir;
    private final String hostName;
    private Settings lastSettings;

    /**
     * @param baseDir  the directory relative paths resolve against (the working directory)
     * @param hostName the OS host name: the default {@code server.fqdn}
     */
    public ConfigLoader(Path baseDir, String hostName) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
        this.hostName = hostName;
    }

    /** Every key the file may hold, dotted: {@code server.fqdn}, {@code routes[].nextHop}. */
    public static List<String> keys() {
        return Parameters.all().stream().map(Parameter::key).toList();
    }

    /** The configuration with every key at its default (paths resolved). */
    public TernConfig defaults() {
        return fromMap(Map.of());
    }

    /** Reads {@code file} (UTF-8 YAML); an empty file gives the defaults. */
    public TernConfig load(Path file) {
        Path path = baseDir.resolve(file);
        String text;
        try {
            text = Files.readString(path);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), null, "a YAML file in UTF-8");
        } catch (IOException e) {
            throw new ConfigException("--config", file, "a readable file (" + describe(e) + ")");
        }
        return parse(text, file.toString());
    }

    /** Reads YAML text; {@code origin} names it in messages about malformed YAML. */
    public TernConfig parse(String yamlText, String origin) {
        Object document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(yamlText);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new ConfigException(origin, null, "well-formed YAML; " + e.getProblem() + where);
        } catch (YAMLException e) {
            throw new ConfigException(origin, null, "well-formed YAML; " + oneLine(e.getMessage()));
        }
        if (document == null) {
            return defaults();
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ConfigException(origin, document, "a YAML mapping of sections (server:, delivery:, ...)");
        }
        return fromMap(map);
    }

    /** Every key's effective value after the last load: what {@code tern config} prints. */
    public Settings settings() {
        return lastSettings;
    }

    private TernConfig fromMap(Map<?, ?> document) {
        ConfigReader.Result result = ConfigReader.read(document, baseDir, hostName);
        lastSettings = result.settings();
        return result.config();
    }

    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            default -> oneLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        };
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
