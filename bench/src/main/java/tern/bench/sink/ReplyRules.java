package tern.bench.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import tern.smtp.Reply;

/**
 * The sink's failure injection: an ordered list of rules, the first that matches decides
 * the reply. A rule file has one rule per line:
 *
 * <pre>
 *   STAGE [CONDITION ...] ACTION
 *   STAGE     connect | helo | mail | rcpt | data      (data = the reply after the final dot)
 *   CONDITION *@bad.test       glob on the address: sender at mail, recipient at rcpt,
 *                              any recipient of the transaction at data ('*' = any run of characters)
 *             attempt&lt;=N       transaction number (sink-wide, counted at MAIL, from 1); also &lt; = &gt;= &gt;
 *             fraction=0.1     this share of the otherwise matching cases, spread evenly
 *             delay=250        wait this many ms before replying
 *   ACTION    CODE [X.Y.Z] [TEXT]   the reply; the enhanced code and text are optional
 *             drop                  close the connection without a reply
 * </pre>
 * Blank lines and lines starting with {@code #} are ignored.
 */
public final class ReplyRules {

    /** Where in a session a rule applies. */
    public enum Stage { CONNECT, HELO, MAIL, RCPT, DATA }

    /** One rule; {@code reply} is null for {@code drop}. */
    public record Rule(Stage stage, String glob, Comparison attempt, double fraction, long delayMillis,
                       Reply reply, int line, AtomicLong seen) {

        /** Whether the rule matches a case; counts the case for the fraction when the other conditions match. */
        boolean matches(String address, List<String> recipients, long transaction) {
            if (attempt != null && !attempt.test(transaction)) {
                return false;
            }
            if (glob != null) {
                boolean any = false;
                if (address != null) {
                    any = globMatches(glob, address);
                } else if (recipients != null) {
                    for (String r : recipients) {
                        if (globMatches(glob, r)) {
                            any = true;
                            break;
                        }
                    }
                }
                if (!any) {
                    return false;
                }
            }
            if (fraction < 1.0) {
                // deterministic: exactly floor(k * fraction) of the first k cases match
                long k = seen.incrementAndGet();
                return (long) Math.floor(k * fraction) > (long) Math.floor((k - 1) * fraction);
            }
            return true;
        }

        public boolean drops() {
            return reply == null;
        }
    }

    /** {@code attempt<=N} and friends. */
    public record Comparison(String op, long value) {
        boolean test(long n) {
            return switch (op) {
                case "<=" -> n <= value;
                case "<" -> n < value;
                case "=", "==" -> n == value;
                case ">=" -> n >= value;
                case ">" -> n > value;
                default -> throw new IllegalStateException(op);
            };
        }
    }

    /** A rule file line that does not parse. */
    public static final class RuleException extends IllegalArgumentException {
        public RuleException(int line, String message) {
            super((line > 0 ? "line " + line + ": " : "") + message);
        }
    }

    private final List<Rule> rules;
    private final Map<Stage, Rule[]> byStage = new EnumMap<>(Stage.class);
    private final boolean addressesNeeded;

    public ReplyRules(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        for (Stage s : Stage.values()) {
            byStage.put(s, this.rules.stream().filter(r -> r.stage == s).toArray(Rule[]::new));
        }
        this.addressesNeeded = this.rules.stream().anyMatch(r -> r.glob != null);
    }

    public static ReplyRules none() {
        return new ReplyRules(List.of());
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Whether any rule looks at addresses (otherwise the session does not extract them). */
    public boolean addressesNeeded() {
        return addressesNeeded;
    }

    public boolean has(Stage stage) {
        return byStage.get(stage).length > 0;
    }

    /** The first matching rule for a case, or null when the default reply applies. */
    public Rule decide(Stage stage, String address, List<String> recipients, long transaction) {
        for (Rule r : byStage.get(stage)) {
            if (r.matches(address, recipients, transaction)) {
                return r;
            }
        }
        return null;
    }

    /** These rules followed by others (script rules first, then the ones the flags make). */
    public ReplyRules then(List<Rule> more) {
        List<Rule> all = new ArrayList<>(rules);
        all.addAll(more);
        return new ReplyRules(all);
    }

    public static ReplyRules load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static ReplyRules parse(String text) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            rules.add(parseRule(line, i + 1));
        }
        return new ReplyRules(rules);
    }

    /** One rule, e.g. {@code rcpt *@bad.test 550 5.1.1 no such user}. */
    public static Rule parseRule(String line, int lineNo) {
        String[] t = line.strip().split("\\s+");
        Stage stage;
        try {
            stage = Stage.valueOf(t[0].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RuleException(lineNo, "unknown stage '" + t[0] + "' (connect, helo, mail, rcpt or data)");
        }
        String glob = null;
        Comparison attempt = null;
        double fraction = 1.0;
        long delay = 0;
        int i = 1;
        for (; i < t.length; i++) {
            String tok = t[i];
            if (isCode(tok) || tok.equalsIgnoreCase("drop")) {
                break;
            }
            String lower = tok.toLowerCase(Locale.ROOT);
            if (lower.startsWith("attempt")) {
                attempt = comparison(lower.substring("attempt".length()), lineNo);
            } else if (lower.startsWith("fraction=")) {
                fraction = number(lower.substring(9), lineNo, "fraction");
                if (fraction <= 0 || fraction > 1) {
                    throw new RuleException(lineNo, "fraction must be in (0, 1]: " + tok);
                }
            } else if (lower.startsWith("delay=")) {
                delay = (long) number(lower.substring(6), lineNo, "delay");
            } else if (tok.indexOf('@') >= 0 || tok.indexOf('*') >= 0) {
                if (stage == Stage.CONNECT || stage == Stage.HELO) {
                    throw new RuleException(lineNo, "an address pattern needs stage mail, rcpt or data");
                }
                glob = tok.toLowerCase(Locale.ROOT);
            } else {
                throw new RuleException(lineNo, "expected a condition (glob, attempt<=N, fraction=F, delay=MS), "
                        + "a reply code or 'drop', got '" + tok + "'");
            }
        }
        if (i >= t.length) {
            throw new RuleException(lineNo, "missing reply code (or 'drop') at the end of the rule");
        }
        Reply reply = null;
        if (!t[i].equalsIgnoreCase("drop")) {
            int code = Integer.parseInt(t[i]);
            i++;
            String status = null;
            if (i < t.length && isEnhanced(t[i], code)) {
                status = t[i];
                i++;
            }
            if (status == null) {
                status = defaultStatus(stage, code);
            }
            String replyText = i < t.length ? String.join(" ", java.util.Arrays.copyOfRange(t, i, t.length))
                    : defaultText(code, lineNo);
            reply = new Reply(code, status, replyText);
        } else if (i + 1 < t.length) {
            throw new RuleException(lineNo, "nothing may follow 'drop'");
        }
        return new Rule(stage, glob, attempt, fraction, delay, reply, lineNo, new AtomicLong());
    }

    /** A rule the flags make: {@code --reply}, {@code --fail-first}, {@code --fail-fraction}. */
    public static Rule flagRule(Stage stage, Comparison attempt, double fraction, int code, String why) {
        return new Rule(stage, null, attempt, fraction, 0, new Reply(code, defaultStatus(stage, code), why), 0,
                new AtomicLong());
    }

    private static boolean isCode(String tok) {
        return tok.length() == 3 && tok.charAt(0) >= '2' && tok.charAt(0) <= '5'
                && Character.isDigit(tok.charAt(1)) && Character.isDigit(tok.charAt(2));
    }

    private static boolean isEnhanced(String tok, int code) {
        String[] parts = tok.split("\\.", -1);
        if (parts.length != 3 || parts[0].length() != 1 || parts[0].charAt(0) != (char) ('0' + code / 100)) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                return false;
            }
        }
        return true;
    }

    private static Comparison comparison(String rest, int lineNo) {
        for (String op : new String[] {"<=", ">=", "==", "<", ">", "="}) {
            if (rest.startsWith(op)) {
                return new Comparison(op, (long) number(rest.substring(op.length()), lineNo, "attempt"));
            }
        }
        throw new RuleException(lineNo, "attempt needs a comparison: attempt<=N, <, =, >=, >");
    }

    private static double number(String s, int lineNo, String what) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new RuleException(lineNo, what + " expects a number, got '" + s + "'");
        }
    }

    /** The RFC 3463 code a reply without one gets: what the code usually means at that stage. */
    static String defaultStatus(Stage stage, int code) {
        int cls = code / 100;
        return switch (code) {
            case 250 -> stage == Stage.MAIL ? "2.1.0" : stage == Stage.RCPT ? "2.1.5" : "2.0.0";
            case 421 -> "4.3.2";
            case 450 -> "4.2.1";
            case 451 -> "4.3.0";
            case 452 -> stage == Stage.RCPT ? "4.5.3" : "4.3.1";
            case 550 -> stage == Stage.RCPT ? "5.1.1" : "5.7.1";
            case 552 -> "5.3.4";
            case 553 -> "5.1.3";
            case 554 -> "5.6.0";
            default -> cls + ".0.0";
        };
    }

    private static String defaultText(int code, int lineNo) {
        String where = lineNo > 0 ? " (sink rule, line " + lineNo + ")" : " (sink rule)";
        return code < 300 ? "Ok" + where : code < 500 ? "Try again later" + where : "Rejected" + where;
    }

    /** '*' matches any run of characters; everything else literally; case-insensitive (glob is lower case). */
    static boolean globMatches(String glob, String text) {
        String s = text.toLowerCase(Locale.ROOT);
        int g = 0;
        int i = 0;
        int star = -1;
        int mark = 0;
        while (i < s.length()) {
            if (g < glob.length() && glob.charAt(g) != '*' && glob.charAt(g) == s.charAt(i)) {
                g++;
                i++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = g++;
                mark = i;
            } else if (star >= 0) {
                g = star + 1;
                i = ++mark;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
