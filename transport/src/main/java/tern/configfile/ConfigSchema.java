package tern.configfile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which keys each mapping of the configuration file may hold. A key the file uses that is not
 * here stops start-up; a key here that README.md does not document fails a test.
 */
final class ConfigSchema {
    private ConfigSchema() {
    }

    /** Mapping path (lists of mappings end in {@code []}) to its keys, in file order. */
    private static final Map<String, List<String>> SECTIONS = new LinkedHashMap<>();

    static {
        SECTIONS.put("", List.of("server", "domains", "relay", "delivery", "routes", "dns", "journal", "admin"));
        SECTIONS.put("server", List.of("fqdn", "listen", "dataDir", "maxMessageSize", "maxRecipients",
                "maxConnections", "idleTimeout", "reverseDnsLookup", "tls", "implicitTls", "submission",
                "maxConnectionsPerClient", "maxErrors", "greetingDelay", "auth"));
        SECTIONS.put("server.tls", List.of("certificate", "privateKey"));
        SECTIONS.put("server.auth", List.of("users"));
        SECTIONS.put("domains", List.of("local"));
        SECTIONS.put("relay", List.of("allowFrom", "domains"));
        SECTIONS.put("delivery", List.of("retry", "delayNotification", "expirationTimeout", "local",
                "maxHopCount", "masqueradeDomain", "smartHost", "attemptDirectBeforeSmartHost", "ndrCopyTo",
                "port", "connections", "tls", "smartHostAuth"));
        SECTIONS.put("delivery.retry", List.of("first", "second", "third", "subsequent", "limit"));
        SECTIONS.put("delivery.local", List.of("delayNotification", "expirationTimeout"));
        SECTIONS.put("delivery.connections", List.of("total", "perDomain", "timeout"));
        SECTIONS.put("delivery.smartHostAuth", List.of("username", "password"));
        SECTIONS.put("routes[]", List.of("domain", "nextHop"));
        SECTIONS.put("dns", List.of("servers", "timeout"));
        SECTIONS.put("journal", List.of("sync", "retain"));
        SECTIONS.put("admin", List.of("listen"));
    }

    static List<String> keysOf(String sectionPath) {
        List<String> keys = SECTIONS.get(sectionPath);
        if (keys == null) {
            throw new IllegalStateException("no such section in ConfigSchema: " + sectionPath);
        }
        return keys;
    }

    /** Every key that holds a value, dotted: {@code server.fqdn}, {@code routes[].nextHop}. */
    static List<String> leafKeys() {
        List<String> out = new ArrayList<>();
        SECTIONS.forEach((section, keys) -> {
            for (String key : keys) {
                String path = section.isEmpty() ? key : section + "." + key;
                if (!SECTIONS.containsKey(path) && !SECTIONS.containsKey(path + "[]")) {
                    out.add(path);
                }
            }
        });
        return out;
    }
}
