package tern.config;

import java.util.Locale;

/** Sizes as operators write them: {@code 1048576}, {@code 512KB}, {@code 35MB}, {@code 1GB} (powers of 1000). */
public final class DataSizes {
    private DataSizes() {
    }

    public static long parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException("expected a number");
        }
        long amount = Long.parseLong(t.substring(0, split));
        long unit = switch (t.substring(split).trim()) {
            case "", "B" -> 1L;
            case "K", "KB" -> 1000L;
            case "KIB" -> 1024L;
            case "M", "MB" -> 1000L * 1000;
            case "MIB" -> 1024L * 1024;
            case "G", "GB" -> 1000L * 1000 * 1000;
            case "GIB" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown unit");
        };
        return Math.multiplyExact(amount, unit);
    }

    /** The shortest way to write {@code octets}: {@code 35MB}, {@code 10MiB}, or a plain number. */
    public static String format(long octets) {
        String[][] units = {{"GB", "1000000000"}, {"GiB", "1073741824"}, {"MB", "1000000"}, {"MiB", "1048576"},
                {"KB", "1000"}, {"KiB", "1024"}};
        for (String[] u : units) {
            long size = Long.parseLong(u[1]);
            if (octets != 0 && octets % size == 0) {
                return octets / size + u[0];
            }
        }
        return Long.toString(octets);
    }
}
