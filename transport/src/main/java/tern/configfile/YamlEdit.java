package tern.configfile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes one key of a YAML configuration file as its text, so that everything else (comments,
 * order, blank lines, quoting) stays as the operator wrote it. A key written on a line of its
 * own has that line's value replaced, its trailing comment kept; a key inside a one-line flow
 * mapping ({@code retry: {first: 15m, second: 30m}}) is changed inside the braces; a key the
 * file does not name is added at the end of its section (created when missing).
 *
 * <p>It understands the YAML a configuration file is written in: block mappings by indentation,
 * one-line flow mappings, and lists it leaves alone. What it cannot place it refuses with an
 * {@link IllegalArgumentException}, and the caller checks the result by loading it in full.
 */
final class YamlEdit {
    private static final Pattern KEY = Pattern.compile("([A-Za-z0-9_]+)[ \\t]*:(?:[ \\t]|$)");

    /** One {@code key: value} line of a block mapping. */
    private record Entry(String path, int line, int indent, int valueStart, int valueEnd, boolean flow) {
    }

    private final List<String> lines;
    private final boolean finalNewline;
    private final List<Entry> entries = new ArrayList<>();
    /** For each entry (same index), the last line of its block: where a new child goes after. */
    private final List<Integer> lastLines = new ArrayList<>();

    private YamlEdit(String text) {
        this.finalNewline = text.isEmpty() || text.endsWith("\n");
        this.lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (finalNewline && !lines.isEmpty()) {
            lines.removeLast(); // the empty string after the last \n
        }
        parse();
    }

    /** {@code text} with {@code key} (dotted) set to {@code yamlValue}, a YAML scalar as it should be written. */
    static String set(String text, String key, String yamlValue) {
        return new YamlEdit(text).setKey(key, yamlValue);
    }

    /** {@code text} without {@code key}, so it takes its default; unchanged when the file does not name it. */
    static String remove(String text, String key) {
        return new YamlEdit(text).removeKey(key);
    }

    private void parse() {
        record Open(int indent, String path, int entry) {
        }
        List<Open> stack = new ArrayList<>();
        int sequenceIndent = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int indent = indent(line);
            String content = line.substring(indent);
            if (content.isEmpty() || content.startsWith("#") || content.startsWith("---") || content.startsWith("...")) {
                continue;
            }
            boolean item = content.equals("-") || content.startsWith("- ");
            if (sequenceIndent >= 0 && (indent > sequenceIndent || item && indent == sequenceIndent)) {
                touch(stack.stream().map(Open::entry).toList(), i); // inside a list: not ours to edit
                continue;
            }
            sequenceIndent = -1;
            if (item) {
                // A list may sit at its key's own indentation: that key stays open.
                while (!stack.isEmpty() && stack.getLast().indent() > indent) {
                    stack.removeLast();
                }
                sequenceIndent = indent;
                touch(stack.stream().map(Open::entry).toList(), i);
                continue;
            }
            while (!stack.isEmpty() && stack.getLast().indent() >= indent) {
                stack.removeLast();
            }
            Matcher m = KEY.matcher(content);
            if (!m.lookingAt()) {
                touch(stack.stream().map(Open::entry).toList(), i); // a continuation we do not parse
                continue;
            }
            String path = (stack.isEmpty() ? "" : stack.getLast().path() + ".") + m.group(1);
            int valueStart = indent + m.end();
            int valueEnd = indent + valueEnd(content, m.end());
            String value = line.substring(valueStart, valueEnd).strip();
            boolean flow = value.startsWith("{") && value.endsWith("}");
            entries.add(new Entry(path, i, indent, valueStart, valueEnd, flow));
            lastLines.add(i);
            touch(stack.stream().map(Open::entry).toList(), i);
            stack.add(new Open(indent, path, entries.size() - 1));
        }
    }

    private void touch(List<Integer> open, int line) {
        for (int e : open) {
            lastLines.set(e, line);
        }
    }

    private String setKey(String key, String yamlValue) {
        int found = find(key);
        if (found >= 0) {
            Entry e = entries.get(found);
            String line = lines.get(e.line());
            String before = line.substring(0, e.valueStart()).stripTrailing();
            lines.set(e.line(), before + " " + yamlValue + line.substring(e.valueEnd()));
            return text();
        }
        String[] parts = key.split("\\.");
        for (int depth = parts.length - 1; depth >= 1; depth--) {
            String section = String.join(".", java.util.Arrays.copyOf(parts, depth));
            int s = find(section);
            if (s < 0) {
                continue;
            }
            Entry e = entries.get(s);
            if (e.flow()) {
                if (depth != parts.length - 1) {
                    throw new IllegalArgumentException(section + " is written as a one-line mapping: add " + key + " by hand");
                }
                setInFlow(e, parts[depth], yamlValue);
                return text();
            }
            if (!lines.get(e.line()).substring(e.valueStart(), e.valueEnd()).isBlank()) {
                throw new IllegalArgumentException(section + " has a value of its own: cannot add " + key + " under it");
            }
            int childIndent = childIndent(s);
            insert(lastLines.get(s) + 1, childIndent, childIndent - e.indent(), parts, depth, yamlValue);
            return text();
        }
        insert(lines.size(), 0, step(), parts, 0, yamlValue);
        return text();
    }

    private String removeKey(String key) {
        int found = find(key);
        if (found >= 0) {
            Entry e = entries.get(found);
            if (lastLines.get(found) != e.line()) {
                throw new IllegalArgumentException(key + " has lines under it: remove it by hand");
            }
            lines.remove(e.line());
            return text();
        }
        int dot = key.lastIndexOf('.');
        if (dot > 0) {
            int s = find(key.substring(0, dot));
            if (s >= 0 && entries.get(s).flow()) {
                removeFromFlow(entries.get(s), key.substring(dot + 1));
            }
        }
        return text();
    }

    /** How far the file indents a mapping under its key: the smallest indentation it uses, else 2. */
    private int step() {
        return entries.stream().mapToInt(Entry::indent).filter(i -> i > 0).min().orElse(2);
    }

    private void insert(int at, int indent, int step, String[] parts, int from, String yamlValue) {
        List<String> added = new ArrayList<>();
        for (int i = from; i < parts.length; i++) {
            String pad = " ".repeat(indent + step * (i - from));
            added.add(pad + parts[i] + ":" + (i == parts.length - 1 ? " " + yamlValue : ""));
        }
        lines.addAll(at, added);
    }

    /** The indentation of the section's children as the file has it; two more than the section's when it has none. */
    private int childIndent(int section) {
        String path = entries.get(section).path() + ".";
        for (Entry e : entries) {
            if (e.path().startsWith(path) && e.path().indexOf('.', path.length()) < 0) {
                return e.indent();
            }
        }
        return entries.get(section).indent() + 2;
    }

    private void setInFlow(Entry e, String name, String yamlValue) {
        String line = lines.get(e.line());
        String flow = line.substring(e.valueStart(), e.valueEnd());
        Matcher m = flowKey(name).matcher(flow);
        String edited;
        if (m.find()) {
            edited = flow.substring(0, m.start(2)) + yamlValue + flow.substring(m.end(2));
        } else {
            int close = flow.lastIndexOf('}');
            String before = flow.substring(0, close);
            String padding = before.substring(before.stripTrailing().length()); // as the file spaces its braces
            boolean empty = flow.substring(flow.indexOf('{') + 1, close).isBlank();
            edited = before.stripTrailing() + (empty ? " " : ", ") + name + ": " + yamlValue
                    + (empty ? " " : padding) + flow.substring(close);
        }
        lines.set(e.line(), line.substring(0, e.valueStart()) + edited + line.substring(e.valueEnd()));
    }

    private void removeFromFlow(Entry e, String name) {
        String line = lines.get(e.line());
        String flow = line.substring(e.valueStart(), e.valueEnd());
        Matcher m = Pattern.compile("(\\{\\s*|,\\s*)" + Pattern.quote(name) + "\\s*:\\s*[^,}]*").matcher(flow);
        if (!m.find()) {
            return;
        }
        String lead = m.group(1);
        String edited = lead.startsWith("{")
                ? flow.substring(0, m.start()) + "{" + flow.substring(m.end()).replaceFirst("^\\s*,\\s*", " ")
                : flow.substring(0, m.start()) + flow.substring(m.end());
        lines.set(e.line(), line.substring(0, e.valueStart()) + edited + line.substring(e.valueEnd()));
    }

    private static Pattern flowKey(String name) {
        return Pattern.compile("([{,]\\s*)" + Pattern.quote(name) + "\\s*:\\s*([^,}]*?)\\s*(?=[,}])");
    }

    private int find(String path) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    /** Where a value ends: before a comment ({@code #} after a blank, outside quotes) and trailing blanks. */
    private static int valueEnd(String content, int from) {
        char quote = 0;
        int end = content.length();
        for (int i = from; i < content.length(); i++) {
            char c = content.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == from || Character.isWhitespace(content.charAt(i - 1)))) {
                end = i;
                break;
            }
        }
        while (end > from && Character.isWhitespace(content.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static int indent(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private String text() {
        String joined = String.join("\n", lines);
        return lines.isEmpty() ? "" : finalNewline ? joined + "\n" : joined;
    }
}
