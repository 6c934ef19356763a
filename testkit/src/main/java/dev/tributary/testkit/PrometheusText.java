package dev.tributary.testkit;

import java.util.Map;
import java.util.TreeMap;

/** Reads a Prometheus text exposition, for tests that check what a metrics endpoint serves. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The samples: {@code name{labels}} to value; comments and blank lines skipped. */
    public static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }
}
