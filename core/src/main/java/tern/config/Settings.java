package tern.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective value of every key after a configuration was read, as the operator would
 * write it: what {@code tern config} prints, Postfix's {@code postconf} in Tern's words. Keys of
 * list items carry their index ({@code routes[0].domain}).
 */
public final class Settings {
    /** One key's effective value; {@code inFile} when the file set it. */
    public record Setting(String key, Parameter<?> parameter, String value, boolean inFile) {
        @Override
        public String toString() {
            return key + " = " + value;
        }
    }

    private final Map<String, Setting> byKey = new LinkedHashMap<>();

    void record(Parameter<?> parameter, String key, String value, boolean inFile) {
        byKey.put(key, new Setting(key, parameter, value, inFile));
    }

    /** Every key in table order (list items in file order). */
    public List<Setting> all() {
        List<Setting> out = new ArrayList<>(byKey.size());
        for (Parameter<?> p : Parameters.all()) {
            for (Setting s : byKey.values()) {
                if (s.parameter() == p) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The keys the file set. */
    public List<Setting> inFile() {
        return all().stream().filter(Setting::inFile).toList();
    }
}
