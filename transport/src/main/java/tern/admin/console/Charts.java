package tern.admin.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The overview's two pictures as inline SVG drawn here, with no script and no charting
 * library: a bar chart and a line over time. Each comes with its numbers as a table for
 * screen readers and for whoever wants the figures.
 */
final class Charts {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 16;
    private static final int TOP = 16;
    private static final int BOTTOM = 64;
    private static final String BAR = "#2f6690";
    private static final String AXIS = "#444444";

    private Charts() {
    }

    /** One bar per label; {@code id} makes the SVG's title addressable. */
    static String bars(String id, String title, String unit, List<String> labels, List<Long> values) {
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(0));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = (double) plotWidth / Math.max(1, labels.size());
        StringBuilder svg = open(id, title);
        axes(svg, max, plotHeight);
        for (int i = 0; i < labels.size(); i++) {
            long v = values.get(i);
            double h = (double) v / max * plotHeight;
            double x = LEFT + i * slot + slot * 0.15;
            double y = TOP + plotHeight - h;
            svg.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"")
                    .append(f(slot * 0.7)).append("\" height=\"").append(f(h)).append("\" fill=\"").append(BAR)
                    .append("\"><title>").append(Html.text(labels.get(i) + ": " + v + " " + unit)).append("</title></rect>\n");
            double lx = LEFT + i * slot + slot / 2;
            double ly = TOP + plotHeight + 12;
            svg.append("<text x=\"").append(f(lx)).append("\" y=\"").append(f(ly))
                    .append("\" font-size=\"10\" text-anchor=\"end\" transform=\"rotate(-45 ").append(f(lx)).append(' ')
                    .append(f(ly)).append(")\" fill=\"").append(AXIS).append("\">").append(Html.text(labels.get(i)))
                    .append("</text>\n");
        }
        svg.append("</svg>\n");
        StringBuilder table = new StringBuilder("<table><thead><tr><th scope=\"col\">Bucket</th><th scope=\"col\">")
                .append(Html.text(unit)).append("</th></tr></thead><tbody>\n");
        for (int i = 0; i < labels.size(); i++) {
            table.append("<tr><td>").append(Html.text(labels.get(i))).append("</td><td class=\"number\">")
                    .append(values.get(i)).append("</td></tr>\n");
        }
        table.append("</tbody></table>\n");
        return figure(id, title, svg.toString(), table.toString());
    }

    /** Values over the {@code window} before {@code now}; an empty list draws the axes alone. */
    static String line(String id, String title, String unit, Instant now, Duration window, List<Instant> times,
                       List<Long> values) {
        long max = Math.max(1, values.stream().mapToLong(Long::longValue).max().orElse(0));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = open(id, title);
        axes(svg, max, plotHeight);
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (int i = 0; i < times.size(); i++) {
            double age = Duration.between(times.get(i), now).toMillis();
            double x = LEFT + plotWidth * (1 - Math.min(1, Math.max(0, age / window.toMillis())));
            double y = TOP + plotHeight - (double) values.get(i) / max * plotHeight;
            points.append(f(x)).append(',').append(f(y)).append(' ');
            dots.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"3\" fill=\"")
                    .append(BAR).append("\"><title>").append(Html.text(values.get(i) + " " + unit + " at " + times.get(i)))
                    .append("</title></circle>\n");
        }
        if (!times.isEmpty()) {
            svg.append("<polyline fill=\"none\" stroke=\"").append(BAR).append("\" stroke-width=\"2\" points=\"")
                    .append(points.toString().strip()).append("\"/>\n").append(dots);
        }
        long minutes = window.toMinutes();
        for (int step = 0; step <= 4; step++) {
            double x = LEFT + plotWidth * step / 4.0;
            long ago = minutes - minutes * step / 4;
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(TOP + plotHeight + 18)
                    .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"").append(AXIS).append("\">")
                    .append(ago == 0 ? "now" : "-" + ago + "m").append("</text>\n");
        }
        svg.append("</svg>\n");
        StringBuilder table = new StringBuilder("<table><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">")
                .append(Html.text(unit)).append("</th></tr></thead><tbody>\n");
        for (int i = 0; i < times.size(); i++) {
            table.append("<tr><td>").append(Html.time(times.get(i))).append("</td><td class=\"number\">")
                    .append(values.get(i)).append("</td></tr>\n");
        }
        table.append("</tbody></table>\n");
        return figure(id, title, svg.toString(), table.toString());
    }

    private static StringBuilder open(String id, String title) {
        return new StringBuilder(8192).append("<svg id=\"").append(Html.text(id)).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"")
                .append(Html.text(id)).append("-title\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"")
                .append(Html.text(id)).append("-title\">").append(Html.text(title)).append("</title>\n");
    }

    private static void axes(StringBuilder svg, long max, int plotHeight) {
        int bottom = TOP + plotHeight;
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
                .append("\" y2=\"").append(bottom).append("\" stroke=\"").append(AXIS).append("\"/>\n")
                .append("<line x1=\"").append(LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"")
                .append(WIDTH - RIGHT).append("\" y2=\"").append(bottom).append("\" stroke=\"").append(AXIS).append("\"/>\n")
                .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(TOP + 4)
                .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"").append(AXIS).append("\">").append(max)
                .append("</text>\n<text x=\"").append(LEFT - 6).append("\" y=\"").append(bottom)
                .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"").append(AXIS).append("\">0</text>\n");
    }

    private static String figure(String id, String title, String svg, String table) {
        return "<figure>\n" + svg + "<figcaption>" + Html.text(title) + "</figcaption>\n<details><summary>"
                + "The figures</summary>\n" + table + "</details>\n</figure>\n";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
