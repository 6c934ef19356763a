package dev.tributary.core;

import java.util.Arrays;
import java.util.List;

/**
 * The path of a field inside a decoded record, e.g. {@code actor.login} for
 * {@code {"actor": {"login": "x"}}}. Immutable.
 */
public final class FieldPath {

    private final String[] segments;
    private final String text;

    private FieldPath(String[] segments) {
        if (segments.length == 0) {
            throw new IllegalArgumentException("a field path needs at least one segment");
        }
        for (String segment : segments) {
            if (segment == null || segment.isEmpty()) {
                throw new IllegalArgumentException("empty segment in field path " + Arrays.toString(segments));
            }
        }
        // Interned like the field names the JSON parser returns, so that map lookups match by reference.
        for (int i = 0; i < segments.length; i++) {
            segments[i] = segments[i].intern();
        }
        this.segments = segments;
        this.text = String.join(".", segments);
    }

    /** A path from its segments: {@code of("actor", "login")}; segments may contain dots. */
    public static FieldPath of(String... segments) {
        return new FieldPath(segments.clone());
    }

    /** A path written with dots: {@code parse("actor.login")}. */
    public static FieldPath parse(String dotted) {
        if (dotted == null || dotted.isEmpty()) {
            throw new IllegalArgumentException("empty field path");
        }
        return new FieldPath(dotted.split("\\.", -1));
    }

    public int size() {
        return segments.length;
    }

    public String segment(int index) {
        return segments[index];
    }

    public List<String> segments() {
        return List.of(segments);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldPath path && Arrays.equals(segments, path.segments);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(segments);
    }

    @Override
    public String toString() {
        return text;
    }
}
