package tern.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark jar's main class: JMH's own main, with the JVM flags Chronicle Queue needs
 * prepended to every forked benchmark JVM. The flags come from one place, the parent pom's
 * {@code tern.jvm.flags}, copied into the resource {@code tern/bench/jvm.flags} by Maven's
 * resource filtering, so no {@code @Fork} annotation has to repeat them. A
 * {@code -jvmArgsPrepend} given on the command line replaces them.
 */
public final class JmhMain {

    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(arguments(args));
    }

    /** {@code args} with {@code -jvmArgsPrepend <flags>} in front, unless they already say it. */
    static String[] arguments(String[] args) {
        if (Arrays.asList(args).contains("-jvmArgsPrepend")) {
            return args;
        }
        List<String> all = new ArrayList<>(List.of("-jvmArgsPrepend", jvmFlags()));
        all.addAll(Arrays.asList(args));
        return all.toArray(String[]::new);
    }

    /** The flags of {@code tern.jvm.flags}, space-separated as JMH splits them. */
    static String jvmFlags() {
        try (InputStream in = JmhMain.class.getResourceAsStream("jvm.flags")) {
            if (in == null) {
                throw new IllegalStateException("tern/bench/jvm.flags is missing from the class path");
            }
            String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (flags.isEmpty() || flags.contains("${")) {
                throw new IllegalStateException("tern/bench/jvm.flags was not filtered by Maven: " + flags);
            }
            return flags.replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
