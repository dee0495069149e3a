package tern.admin.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tern.admin.AdminRequest;
import tern.admin.AdminResponse;
import tern.config.Parameter;
import tern.config.Parameters;
import tern.config.Settings;

/**
 * {@code /settings}: the SMTP virtual server's Delivery tab, laid out as IIS lays it out
 * (Outbound, Local, Outbound security, Outbound connections, Advanced), plus the routes. A
 * signed-in operator may change a value: it is checked by the configuration's own parameter
 * table (an error names the key), written to the file and applied with a reload.
 */
final class SettingsPage {

    private record Field(String key, String label) {
    }

    private record Group(String legend, List<Field> fields) {
    }

    /** The Delivery tab. Keys this build does not know are left out. */
    private static final List<Group> TAB = List.of(
            new Group("Outbound", List.of(
                    new Field("delivery.retry.first", "First retry interval"),
                    new Field("delivery.retry.second", "Second retry interval"),
                    new Field("delivery.retry.third", "Third retry interval"),
                    new Field("delivery.retry.subsequent", "Subsequent retry interval"),
                    new Field("delivery.retry.limit", "Most attempts (0: until expiration)"),
                    new Field("delivery.delayNotification", "Delay notification"),
                    new Field("delivery.expirationTimeout", "Expiration timeout"))),
            new Group("Local", List.of(
                    new Field("delivery.local.delayNotification", "Delay notification"),
                    new Field("delivery.local.expirationTimeout", "Expiration timeout"))),
            new Group("Outbound security", List.of(
                    new Field("delivery.tls", "TLS encryption"),
                    new Field("delivery.smartHostTls", "TLS to the smart host"),
                    new Field("delivery.trustAnchors", "Trusted CA certificates (PEM file)"),
                    new Field("delivery.smartHostAuth.username", "Smart host user name"),
                    new Field("delivery.smartHostAuth.password", "Smart host password"))),
            new Group("Outbound connections", List.of(
                    new Field("delivery.connections.total", "Limit number of connections to"),
                    new Field("delivery.connections.perDomain", "Limit number of connections per domain to"),
                    new Field("delivery.connections.timeout", "Time-out"),
                    new Field("delivery.port", "TCP port"))),
            new Group("Advanced", List.of(
                    new Field("delivery.maxHopCount", "Maximum hop count"),
                    new Field("delivery.masqueradeDomain", "Masquerade domain"),
                    new Field("server.fqdn", "Fully-qualified domain name"),
                    new Field("delivery.smartHost", "Smart host"),
                    new Field("delivery.attemptDirectBeforeSmartHost", "Attempt direct delivery before sending to smart host"),
                    new Field("server.reverseDnsLookup", "Perform reverse DNS lookup on incoming messages"))));

    private final ConsoleSettings settings;

    SettingsPage(ConsoleSettings settings) {
        this.settings = settings;
    }

    AdminResponse render(Viewer viewer) {
        return render(viewer, Map.of(), Map.of(), 200);
    }

    /** A signed-in POST: the changed values go to the configuration; errors come back on the form. */
    AdminResponse change(AdminRequest request, Viewer viewer, java.util.function.Consumer<String> notice) {
        if (settings.file().isEmpty()) {
            return render(viewer, Map.of(), Map.of("", "This server runs without a configuration file: nothing to change."), 409);
        }
        Map<String, Settings.Setting> effective = byKey(settings.effective());
        Map<String, String> changed = new LinkedHashMap<>();
        for (Group g : TAB) {
            for (Field f : g.fields()) {
                Parameter<?> p = Parameters.find(f.key());
                if (p == null || isSecret(p) || !request.form().containsKey(f.key())) {
                    continue;
                }
                String typed = request.field(f.key()).strip();
                Settings.Setting now = effective.get(f.key());
                if (!typed.equals(now == null ? "" : now.value())) {
                    changed.put(f.key(), typed);
                }
            }
        }
        if (changed.isEmpty()) {
            notice.accept("Nothing changed.");
            return AdminResponse.seeOther("/settings");
        }
        ConsoleSettings.Change change = settings.change(changed);
        if (!change.errors().isEmpty()) {
            return render(viewer, changed, change.errors(), 400);
        }
        StringBuilder text = new StringBuilder("Saved ").append(String.join(", ", change.changed())).append(" to ")
                .append(settings.file().get()).append(" (the previous file is kept as ")
                .append(settings.file().get().getFileName()).append(".bak)");
        if (change.reloadProblem() != null) {
            text.append(", but the reload failed: ").append(change.reloadProblem());
        } else {
            text.append(" and applied");
        }
        if (!change.needRestart().isEmpty()) {
            text.append("; ").append(String.join(", ", change.needRestart())).append(" take effect at the next restart");
        }
        notice.accept(text.append('.').toString());
        return AdminResponse.seeOther("/settings");
    }

    private AdminResponse render(Viewer viewer, Map<String, String> typed, Map<String, String> errors, int status) {
        Map<String, Settings.Setting> effective = byKey(settings.effective());
        boolean editable = viewer.signedIn() && settings.file().isPresent();
        StringBuilder body = new StringBuilder(16384);
        if (settings.file().isEmpty()) {
            body.append("<p class=\"notice\" id=\"no-file\">This server runs without a configuration file: every key ")
                    .append("has its default, and changes need a file. Start it with <code>tern serve --config FILE</code> ")
                    .append("(or <code>$TERN_CONFIG</code>, or <code>/etc/tern/tern.yaml</code>); this page is read-only.</p>\n");
        } else {
            body.append("<p>From <code id=\"config-file\">").append(Html.text(settings.file().get())).append("</code>. ")
                    .append(editable ? "A change is checked, written to the file (the previous one kept as .bak) and applied with a reload."
                            : "Sign in to change them.").append("</p>\n");
        }
        if (errors.containsKey("")) {
            body.append("<p class=\"error\" role=\"alert\">").append(Html.text(errors.get(""))).append("</p>\n");
        }
        if (errors.keySet().stream().anyMatch(k -> !k.isEmpty())) {
            body.append("<div class=\"error\" role=\"alert\" id=\"errors\"><p>Nothing was saved:</p><ul>\n");
            new TreeMap<>(errors).forEach((k, v) -> {
                if (!k.isEmpty()) {
                    body.append("<li>").append(Html.text(v)).append("</li>\n");
                }
            });
            body.append("</ul></div>\n");
        }
        if (editable) {
            body.append("<form method=\"post\" action=\"/settings\" id=\"settings-form\">").append(Html.csrf(viewer)).append('\n');
        }
        Set<String> restart = settings.restartKeys();
        for (Group g : TAB) {
            body.append("<fieldset").append(editable ? "" : " disabled").append("><legend>").append(Html.text(g.legend()))
                    .append("</legend>\n");
            for (Field f : g.fields()) {
                Parameter<?> p = Parameters.find(f.key());
                if (p != null) {
                    Settings.Setting s = effective.get(f.key());
                    String value = typed.containsKey(f.key()) ? typed.get(f.key()) : s == null ? "" : s.value();
                    field(body, f, p, value, errors.get(f.key()), restart.contains(f.key()));
                }
            }
            body.append("</fieldset>\n");
        }
        if (editable) {
            body.append("<p><button type=\"submit\" id=\"apply\">Apply</button></p>\n</form>\n");
        }
        routes(body, effective);
        return Layout.page(status, "Settings", "/settings", viewer, body.toString());
    }

    private static void field(StringBuilder body, Field f, Parameter<?> p, String value, String error, boolean restart) {
        String id = "f-" + f.key();
        String hint = "h-" + f.key();
        String err = "e-" + f.key();
        body.append("<div class=\"field\">\n<label for=\"").append(Html.text(id)).append("\">").append(Html.text(f.label()))
                .append("</label>\n");
        String described = Html.text(hint) + (error == null ? "" : " " + Html.text(err));
        if (isSecret(p)) {
            body.append("<output id=\"").append(Html.text(id)).append("\" aria-describedby=\"").append(described).append("\">")
                    .append(value.isEmpty() ? "not set" : "set (edit it in the file)").append("</output>\n");
        } else if (p.defaultFor(new Parameter.Defaults("h", "h")) instanceof Boolean) {
            body.append("<select id=\"").append(Html.text(id)).append("\" name=\"").append(Html.text(f.key()))
                    .append("\" aria-describedby=\"").append(described).append("\">");
            for (String option : new String[] {"true", "false"}) {
                body.append("<option").append(option.equals(value) ? " selected" : "").append('>').append(option).append("</option>");
            }
            body.append("</select>\n");
        } else {
            body.append("<input type=\"text\" id=\"").append(Html.text(id)).append("\" name=\"").append(Html.text(f.key()))
                    .append("\" value=\"").append(Html.text(value)).append("\" aria-describedby=\"").append(described).append('"')
                    .append(error == null ? "" : " aria-invalid=\"true\"").append(">\n");
        }
        body.append("<p class=\"hint\" id=\"").append(Html.text(hint)).append("\"><code>").append(Html.text(f.key()))
                .append("</code>: ").append(Html.text(p.description().replace("`", ""))).append(". Empty: the default, ")
                .append(Html.text(p.readmeDefault().replace("`", ""))).append('.')
                .append(restart ? " <strong>Applies after a restart.</strong>" : "").append("</p>\n");
        if (error != null) {
            body.append("<p class=\"error\" id=\"").append(Html.text(err)).append("\">").append(Html.text(error)).append("</p>\n");
        }
        body.append("</div>\n");
    }

    private static void routes(StringBuilder body, Map<String, Settings.Setting> effective) {
        body.append("<section aria-labelledby=\"routes\"><h2 id=\"routes\">Routes</h2>\n");
        List<String> domains = effective.keySet().stream().filter(k -> k.matches("routes\\[\\d+]\\.domain")).toList();
        if (domains.isEmpty()) {
            body.append("<p>No routes: remote mail goes to the smart host, or to the recipient domain's MX.</p>\n");
        } else {
            body.append("<table id=\"routes-table\"><caption>Route domains override the smart host</caption>\n")
                    .append("<thead><tr><th scope=\"col\">Domain</th><th scope=\"col\">Next hop</th></tr></thead><tbody>\n");
            for (String key : domains) {
                String prefix = key.substring(0, key.length() - ".domain".length());
                Settings.Setting hop = effective.get(prefix + ".nextHop");
                body.append("<tr><td>").append(Html.text(effective.get(key).value())).append("</td><td>")
                        .append(Html.text(hop == null || hop.value().isEmpty() ? "(the usual way)" : hop.value()))
                        .append("</td></tr>\n");
            }
            body.append("</tbody></table>\n");
        }
        body.append("<p>Routes are a list; edit them in the configuration file and run <code>tern reload</code>.</p>\n</section>\n");
    }

    private static boolean isSecret(Parameter<?> p) {
        return p.name().equals("password");
    }

    private static Map<String, Settings.Setting> byKey(Settings settings) {
        Map<String, Settings.Setting> out = new LinkedHashMap<>();
        for (Settings.Setting s : settings.all()) {
            out.put(s.key(), s);
        }
        return out;
    }
}
