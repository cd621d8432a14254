package io.cairn.bench.chart;

import io.cairn.bench.sim.HitRate;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** PNG charts with XChart, drawn headless. */
public final class Charts {
    private Charts() {
    }

    /** Hit % against cache size for one trace, one line per policy. */
    public static void hitRate(Path png, String trace, List<HitRate> results) throws IOException {
        headless();
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Hit ratio: " + trace).xAxisTitle("cache size (entries)").yAxisTitle("hit %").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        Map<String, List<HitRate>> byPolicy = new LinkedHashMap<>();
        for (HitRate r : results) {
            if (r.trace().equals(trace)) {
                byPolicy.computeIfAbsent(r.policy(), p -> new ArrayList<>()).add(r);
            }
        }
        if (byPolicy.isEmpty()) {
            throw new IllegalArgumentException("no results for trace " + trace);
        }
        if (byPolicy.containsKey("lru")) {
            byPolicy.remove("lhm-lru"); // the oracle draws exactly over the engine's LRU
        }
        byPolicy.forEach((policy, rs) -> {
            rs.sort((a, b) -> Integer.compare(a.size(), b.size()));
            XYSeries s = chart.addSeries(policy, rs.stream().mapToDouble(HitRate::size).toArray(),
                    rs.stream().mapToDouble(HitRate::hitPercent).toArray());
            s.setMarker(SeriesMarkers.CIRCLE);
            if (policy.equals("opt")) {
                s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
            }
        });
        save(chart, png);
    }

    /** One panel of a stacked time-series figure: a title, a y-axis label and named series. */
    public record Panel(String title, String yTitle, Map<String, double[]> series) {
    }

    /** Stacked time-series panels sharing an x axis in seconds, saved as one PNG. */
    public static void timeline(Path png, double[] seconds, List<Panel> panels) throws IOException {
        headless();
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart chart = new XYChartBuilder().width(900).height(260)
                    .title(p.title()).xAxisTitle("seconds").yAxisTitle(p.yTitle()).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setMarkerSize(0);
            p.series().forEach((name, y) -> chart.addSeries(name, seconds, y));
            charts.add(chart);
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, stripPng(png), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Writes {@code chart} to {@code png} (XChart adds the extension itself, so it is stripped here). */
    public static void save(XYChart chart, Path png) throws IOException {
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(chart, stripPng(png), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String stripPng(Path png) {
        String base = png.toString();
        return base.endsWith(".png") ? base.substring(0, base.length() - 4) : base;
    }

    private static void headless() {
        System.setProperty("java.awt.headless", "true");
    }
}
