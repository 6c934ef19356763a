package dev.tributary.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings given as text (a properties file, {@link Properties}, a {@code Map}), read with typed getters
 * that name the key in every error, e.g. {@code sink.max-rows: 'ten' is not a whole number; e.g. 100000}.
 *
 * <p>The values are immutable. A view remembers which keys were asked for (present or not), shared with
 * its {@link #prefix sub-views}, so that {@link #refuseUnknownKeys()} can refuse a key nothing reads —
 * a misspelt one would otherwise be silently ignored — with a "did you mean" for a near miss. Secret
 * values ({@link #isSecret}) never appear in {@link #toString()} or in a message.
 *
 * <p>A value may reference its text instead of holding it — {@code ${env:NAME}}, {@code ${env:NAME:-fallback}},
 * {@code ${file:/path}}, {@code $${} for a literal {@code ${} ({@link ValueResolver}) — resolved when the
 * configuration is made, so that a reference that cannot be resolved is refused before anything connects.
 * {@link #toString()} shows such a value as written (the reference, not what it stands for).
 */
public final class Config {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})\\s*(ms|s|m|min|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,18})\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);
    /** Key segments whose value is a secret: passwords, tokens, keys, JAAS lines that hold credentials. */
    private static final Pattern SECRET = Pattern.compile(
            "(password|passwd|secret|token|jaas\\.config|api-key|apikey|private-key|credentials-json|connection-string"
                    + "|ssl\\.keystore\\.key|ssl\\.key\\.password|client-key|external-id)$|(password|secret|token)",
            Pattern.CASE_INSENSITIVE);

    private final Map<String, String> values;
    /** The text as written of the values that had references (or {@code $${}), for {@link #toString()} and messages. */
    private final Map<String, String> written;
    /** The full key prefix of this view ("" or e.g. "sink."). */
    private final String prefix;
    /** Keys asked for, and key prefixes whose every key was taken (e.g. "sink.insert-setting."), shared by all views. */
    private final Set<String> asked;
    private final Set<String> askedPrefixes;

    private Config(Map<String, String> values, Map<String, String> written, String prefix, Set<String> asked,
                   Set<String> askedPrefixes) {
        this.values = values;
        this.written = written;
        this.prefix = prefix;
        this.asked = asked;
        this.askedPrefixes = askedPrefixes;
    }

    /**
     * A view over {@code map}'s entries (copied; keys and values must not be null), their references
     * ({@code ${env:NAME}}, {@code ${file:/path}}) resolved from this process's environment and files; a
     * reference that cannot be resolved is refused here, naming its key.
     */
    public static Config of(Map<String, String> map) {
        return of(map, ValueResolver.SYSTEM);
    }

    /** {@link #of(Map)} with the references resolved by {@code resolver} (tests give their own environment). */
    static Config of(Map<String, String> map, ValueResolver resolver) {
        Objects.requireNonNull(map, "configuration map");
        Map<String, String> copy = new TreeMap<>();
        map.forEach((key, value) -> {
            if (key == null || value == null) {
                throw new IllegalArgumentException("configuration: a null key or value (key " + key + ")");
            }
            copy.put(key.trim(), value);
        });
        Map<String, String> written = new TreeMap<>();
        List<String> refused = new ArrayList<>(); // the first refusal's message, then the keys of the others
        copy.replaceAll((key, value) -> {
            try {
                String resolved = resolver.resolve(key, value);
                if (!resolved.equals(value)) {
                    written.put(key, value);
                }
                return resolved;
            } catch (KeyedException e) {
                refused.add(refused.isEmpty() ? e.getMessage() : key);
                return value;
            }
        });
        if (!refused.isEmpty()) {
            // The first in full, the others by key: a new environment often lacks several variables at once.
            throw new KeyedException(refused.get(0) + (refused.size() == 1 ? ""
                    : " (and the references of " + String.join(", ", refused.subList(1, refused.size())) + ")"), null);
        }
        return new Config(Collections.unmodifiableMap(copy), Collections.unmodifiableMap(written), "",
                ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
    }

    /** A view over the string entries of {@code properties} (its defaults included), references resolved as by {@link #of(Map)}. */
    public static Config of(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return of(map);
    }

    /** Reads a properties file (UTF-8, the {@link Properties#load(Reader)} format), references resolved as by {@link #of(Map)}. */
    public static Config load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration: cannot read the properties file " + file + ": " + e.getMessage(), e);
        }
        return of(properties);
    }

    /** The view of the keys under {@code name + "."}, e.g. {@code prefix("sink")}; messages still name full keys. */
    public Config prefix(String name) {
        return new Config(values, written, prefix + name + ".", asked, askedPrefixes);
    }

    /** The full key of {@code name} in this view, as messages print it (e.g. {@code sink.max-rows}). */
    public String key(String name) {
        return prefix + name;
    }

    /** Whether {@code name} is set (counts as asked). */
    public boolean has(String name) {
        asked.add(key(name));
        return values.containsKey(key(name));
    }

    /** Whether any key of this view is set (e.g. whether {@code sink.error-tolerance.*} was given); asks nothing. */
    public boolean isEmpty() {
        return values.keySet().stream().noneMatch(k -> k.startsWith(prefix));
    }

    /** The text of {@code name}, trimmed unless the key is secret (a password may end in a blank), or empty. */
    public Optional<String> string(String name) {
        String full = key(name);
        asked.add(full);
        String value = values.get(full);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(isSecret(full) ? value : value.trim());
    }

    /** The text of {@code name}; refused when missing or blank, with {@code example} as the fix. */
    public String requireString(String name, String example) {
        String value = string(name).orElse("");
        if (value.isBlank()) {
            throw new KeyedException(key(name) + " is not set; e.g. " + key(name) + "=" + example, null);
        }
        return value;
    }

    /** A whole number (int). */
    public Optional<Integer> integer(String name) {
        return longValue(name).map(v -> {
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw invalid(name, "is out of range (at most " + Integer.MAX_VALUE + ")", "100000");
            }
            return v.intValue();
        });
    }

    /** A whole number (long). */
    public Optional<Long> longValue(String name) {
        return string(name).map(text -> {
            try {
                return Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw invalid(name, "is not a whole number", "100000");
            }
        });
    }

    /** A decimal number, e.g. {@code 0.25}. */
    public Optional<Double> decimal(String name) {
        return string(name).map(text -> {
            try {
                double value = Double.parseDouble(text);
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw invalid(name, "is not a number", "0.25");
            }
        });
    }

    /** {@code true} or {@code false} (any case). */
    public Optional<Boolean> bool(String name) {
        return string(name).map(text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw invalid(name, "is not true or false", "true");
        });
    }

    /**
     * A duration: a whole number with a unit, {@code ms}, {@code s}, {@code m} (or {@code min}), {@code h},
     * {@code d} (e.g. {@code 500ms}, {@code 5s}, {@code 7d}), an ISO-8601 duration ({@code PT1M30S}), or {@code 0}.
     */
    public Optional<Duration> duration(String name) {
        return string(name).map(text -> parseDuration(name, text));
    }

    private Duration parseDuration(String name, String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            try {
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m", "min" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            } catch (ArithmeticException e) {
                throw invalid(name, "is too long a duration", "5s");
            }
        }
        if (text.length() > 1 && (text.charAt(0) == 'P' || text.charAt(0) == 'p')) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                // worded below
            }
        }
        throw invalid(name, "is not a duration", "5s, 500ms, 2m, 1h, 7d or PT1M30S");
    }

    /**
     * A size in bytes: a whole number, optionally with a unit {@code B}, {@code KB}, {@code MB}, {@code GB},
     * {@code TB} (powers of 1024, as {@code KiB}... which are taken too), e.g. {@code 20MB}.
     */
    public Optional<Long> size(String name) {
        return string(name).map(text -> {
            Matcher m = SIZE.matcher(text.replace("_", ""));
            if (!m.matches()) {
                throw invalid(name, "is not a size", "20MB, 512KB or 1048576 (bytes)");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            int shift = switch (unit.charAt(0)) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (amount > (Long.MAX_VALUE >> shift)) {
                throw invalid(name, "is too large a size", "20MB");
            }
            return amount << shift;
        });
    }

    /** A size in bytes that fits an int (for settings typed {@code int}). */
    public Optional<Integer> intSize(String name) {
        return size(name).map(bytes -> {
            if (bytes > Integer.MAX_VALUE) {
                throw invalid(name, "is too large (at most 2147483647 bytes, just under 2GB)", "64MB");
            }
            return bytes.intValue();
        });
    }

    /** One of {@code type}'s constants, by name in any case, with {@code -} for {@code _} (e.g. {@code exactly-once}). */
    public <E extends Enum<E>> Optional<E> enumValue(String name, Class<E> type) {
        return string(name).map(text -> {
            String wanted = text.replace('-', '_');
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(wanted)) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw invalid(name, "is not one of " + String.join(", ", names), names.get(0));
        });
    }

    /** One of {@code choices} (compared in any case; returned as given in {@code choices}). */
    public Optional<String> choice(String name, List<String> choices) {
        return string(name).map(text -> {
            for (String choice : choices) {
                if (choice.equalsIgnoreCase(text)) {
                    return choice;
                }
            }
            throw invalid(name, "is not one of " + String.join(", ", choices), choices.get(0));
        });
    }

    /** A comma-separated list, each entry trimmed; an empty entry is refused. */
    public Optional<List<String>> list(String name) {
        return string(name).map(text -> {
            List<String> items = new ArrayList<>();
            for (String item : text.split(",", -1)) {
                if (item.isBlank()) {
                    throw invalid(name, "has an empty entry", "a,b,c");
                }
                items.add(item.trim());
            }
            return List.copyOf(items);
        });
    }

    /** A file path (not checked here: the builder that takes it checks it). */
    public Optional<Path> path(String name) {
        return string(name).map(text -> {
            try {
                return Path.of(text);
            } catch (java.nio.file.InvalidPathException e) {
                throw invalid(name, "is not a file path", "/etc/tributary/ca.pem");
            }
        });
    }

    /**
     * Every key under {@code name + "."}, by the rest of its name, e.g. {@code children("insert-setting")} gives
     * {@code {insert_quorum=2}} for {@code sink.insert-setting.insert_quorum=2}; all of them count as asked.
     */
    public Map<String, String> children(String name) {
        String start = key(name) + ".";
        askedPrefixes.add(start);
        Map<String, String> children = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(start) && key.length() > start.length()) {
                children.put(key.substring(start.length()), value);
            }
        });
        return children;
    }

    /** The names of the groups under {@code name + "."}, e.g. the column names of {@code mapper.column.<name>.field}. */
    public Set<String> groups(String name) {
        String start = key(name) + ".";
        Set<String> groups = new TreeSet<>();
        for (String key : values.keySet()) {
            if (key.startsWith(start)) {
                String rest = key.substring(start.length());
                int dot = rest.lastIndexOf('.');
                if (dot > 0) {
                    groups.add(rest.substring(0, dot));
                }
            }
        }
        return groups;
    }

    /** The full keys asked for so far, through this view or any other of the same configuration (present or not). */
    public Set<String> askedKeys() {
        return Set.copyOf(new TreeSet<>(asked));
    }

    /** An {@code IllegalArgumentException} naming {@code name}'s key, its value (unless secret), what is wrong and an example. */
    public IllegalArgumentException invalid(String name, String problem, String example) {
        String full = key(name);
        String value = values.get(full);
        String shown = value == null ? "(not set)" : isSecret(full) ? "(value hidden)" : "'" + value + "'"
                + (written.containsKey(full) ? " (from " + written.get(full) + ")" : "");
        return new KeyedException(full + ": " + shown + " " + problem + "; e.g. " + full + "=" + example, null);
    }

    /** A refusal whose message names its keys already, so that an outer {@link #build} leaves it as it is. */
    static final class KeyedException extends IllegalArgumentException {
        KeyedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Refuses every key that nothing asked for, naming each with the nearest known key when it is a
     * near miss. Call it once everything that reads this configuration has read it.
     */
    public void refuseUnknownKeys() {
        refuseUnknownKeys(false);
    }

    /**
     * {@link #refuseUnknownKeys()}, or with {@code nearMissesOnly} only the keys close to a known one: for a
     * part that stopped before reading all its keys, whose other keys are not known to be wrong.
     */
    void refuseUnknownKeys(boolean nearMissesOnly) {
        List<String> unknown = new ArrayList<>();
        for (String key : values.keySet()) {
            if (key.startsWith(prefix) && !isAsked(key)) {
                String near = nearest(key);
                if (near != null || !nearMissesOnly) {
                    unknown.add(key + (near == null ? "" : " (did you mean " + near + "?)"));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new KeyedException("configuration: unknown key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; every key is listed in docs/configuration.md", null);
        }
    }

    private boolean isAsked(String key) {
        if (asked.contains(key)) {
            return true;
        }
        for (String start : askedPrefixes) {
            if (key.startsWith(start)) {
                return true;
            }
        }
        return false;
    }

    /** The asked key closest to {@code key} by edit distance, if close enough to be a slip. */
    private String nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : new TreeSet<>(asked)) {
            int distance = distance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        int tolerated = Math.max(2, key.length() / 5);
        return bestDistance <= tolerated ? best : null;
    }

    /** Levenshtein distance, with '-', '_' and '.' taken as equal (a common slip in key names). */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = same(a.charAt(i - 1), b.charAt(j - 1)) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static boolean same(char x, char y) {
        return x == y || "-_.".indexOf(x) >= 0 && "-_.".indexOf(y) >= 0;
    }

    /**
     * Whether a key's value is secret: its name says password, secret or token, or it is a JAAS line, an
     * API key, a private key or a connection string. Such values are masked in {@link #toString()} and messages.
     */
    public static boolean isSecret(String key) {
        return SECRET.matcher(key).find();
    }

    /**
     * Runs {@code build} (a builder's {@code build()}) and, when the builder refuses a setting, adds to its
     * message the keys of this view that set it: each key whose camel-case name (e.g. {@code maxRows} for
     * {@code max-rows}) or words ({@code max rows}) the message names, in any case, so that a user of a file
     * knows which line to fix.
     */
    public <T> T build(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            if (e instanceof KeyedException) {
                throw e; // names its keys already (a getter's message, or an inner build)
            }
            String message = String.valueOf(e.getMessage());
            List<String> keys = new ArrayList<>();
            for (String key : new TreeSet<>(asked)) {
                if (key.startsWith(prefix) && key.length() > prefix.length()) {
                    String relative = key.substring(prefix.length());
                    String setting = camel(relative);
                    String words = relative.substring(relative.lastIndexOf('.') + 1).replace('-', ' ');
                    if (Pattern.compile("\\b(" + Pattern.quote(setting) + "|" + Pattern.quote(words) + ")\\b",
                            Pattern.CASE_INSENSITIVE).matcher(message).find()) {
                        keys.add(key);
                    }
                }
            }
            throw new KeyedException(message + (keys.isEmpty() ? " (settings " + prefix + "*)"
                    : " (set by " + String.join(", ", keys) + ")"), e);
        }
    }

    /** {@code max-rows} → {@code maxRows}; {@code sasl.user} → {@code user} (the builder names the last part). */
    static String camel(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : last.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /** The entries of this view as written (references unresolved), secrets masked. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("{");
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                if (out.length() > 1) {
                    out.append(", ");
                }
                out.append(key).append('=').append(isSecret(key) ? "****" : written.getOrDefault(key, value));
            }
        });
        return out.append('}').toString();
    }
}
