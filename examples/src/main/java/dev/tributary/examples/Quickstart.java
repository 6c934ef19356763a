package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTables;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * JSON events from a Kafka topic into a ClickHouse table — the smallest complete use of Tributary.
 *
 * <pre>
 * java dev.tributary.examples.Quickstart --bootstrap 127.0.0.1:9092 --topic github \
 *      --clickhouse http://127.0.0.1:8123 --table github [--group tributary-github] [--until-drained]
 *      [--unknown-lag-timeout 120]
 * </pre>
 * The table is created from {@link GitHubEvents#TABLE_COLUMNS} if it does not exist. Every few
 * seconds it prints records/s, rows inserted and the lag ({@link Pipeline#lag()}); at the end a summary.
 * With {@code --until-drained} it stops once drained (see {@link #drain}: the lag known and 0, nothing read
 * during the last interval and every record read inserted or in the error table; the stop commits it),
 * and exits with status 2 if the lag stays unknown for {@code --unknown-lag-timeout} seconds (default
 * 120), e.g. with the brokers gone. An empty topic is drained at once.
 */
public final class Quickstart {

    /**
     * What to read and where to write; {@code unknownLagTimeout}: how long the lag may stay unknown while
     * waiting until drained before giving up.
     */
    public record Settings(String bootstrapServers, String topic, String groupId, String clickhouseEndpoint,
                           String table, boolean untilDrained, Duration progressEvery, Duration unknownLagTimeout) {

        /** The default wait for an unknown lag: two minutes. */
        public static final Duration UNKNOWN_LAG_TIMEOUT = Duration.ofMinutes(2);

        public Settings(String bootstrapServers, String topic, String groupId, String clickhouseEndpoint, String table,
                        boolean untilDrained, Duration progressEvery) {
            this(bootstrapServers, topic, groupId, clickhouseEndpoint, table, untilDrained, progressEvery, UNKNOWN_LAG_TIMEOUT);
        }
    }

    /**
     * Thrown when a pipeline watched until drained cannot tell whether it is: its lag stayed unknown too
     * long (every quickstart's {@code --until-drained}, Kafka's and Kinesis').
     */
    public static final class LagUnknownException extends IllegalStateException {
        LagUnknownException(String message) {
            super(message);
        }
    }

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(settings(options(args)));
        } catch (LagUnknownException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** The settings from the command line's options, with the defaults above. */
    static Settings settings(Map<String, String> options) {
        String topic = options.getOrDefault("topic", "github");
        return new Settings(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic,
                options.getOrDefault("group", "tributary-" + topic), options.getOrDefault("clickhouse", "http://127.0.0.1:8123"),
                options.getOrDefault("table", topic), options.containsKey("until-drained"), Duration.ofSeconds(3),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("unknown-lag-timeout", "120"))));
    }

    /** {@code --name value} pairs, and {@code --until-drained} and {@code --create} as flags (present with value "true"). */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--until-drained") || args[i].equals("--create")) {
                options.put(args[i].substring(2), "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
        }
        return options;
    }

    /** Runs the pipeline; returns its final counters. */
    public static MetricsSnapshot run(Settings settings) throws InterruptedException {
        Pipeline pipeline = pipeline(settings).build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "quickstart-shutdown"));
        return watch(pipeline, settings);
    }

    /** The quickstart's pipeline, to be built: the topic from the start, JSON, the table (created if missing). */
    static Pipeline.Builder pipeline(Settings settings) {
        KafkaSource source = KafkaSource.builder()
                .bootstrapServers(settings.bootstrapServers())
                .topics(settings.topic())
                .groupId(settings.groupId())
                .startingOffsets(StartingOffsets.EARLIEST)
                .build();
        ClickHouseSink sink = ClickHouseSink.builder()
                .endpoint(settings.clickhouseEndpoint())
                .table(settings.table())
                .createTableIfMissing(GitHubEvents.createTable(settings.table()))
                .build();
        return Pipeline.builder()
                .name("quickstart-" + settings.table())
                .source(source)
                .decoder(JsonDecoder.create())
                .sink(sink);
    }

    /** {@link #watch(Pipeline, boolean, Duration, Duration)} with the settings' {@code untilDrained}, {@code progressEvery} and {@code unknownLagTimeout}. */
    static MetricsSnapshot watch(Pipeline pipeline, Settings settings) throws InterruptedException {
        return watch(pipeline, settings.untilDrained(), settings.progressEvery(), settings.unknownLagTimeout());
    }

    /**
     * Starts the pipeline and prints progress (records/s, rows, errors, lag) every {@code progressEvery}
     * until it ends — or, with {@code untilDrained}, until it is drained ({@link #drain}) — then a summary;
     * returns the final counters. Any source: the Kafka quickstarts and {@link KinesisQuickstart} share it.
     *
     * @throws LagUnknownException with {@code untilDrained}, when the lag stayed unknown for
     *                             {@code unknownLagTimeout} (the pipeline is stopped first)
     */
    static MetricsSnapshot watch(Pipeline pipeline, boolean untilDrained, Duration progressEvery, Duration unknownLagTimeout)
            throws InterruptedException {
        long started = System.nanoTime();
        Instant lastKnown = Instant.now();
        pipeline.start();
        long previousRead = 0;
        long previousTime = started;
        String unknownTooLong = null;
        while (!pipeline.awaitTermination(progressEvery)) {
            MetricsSnapshot now = pipeline.metrics();
            SourceLag lag = pipeline.lag();
            Instant at = Instant.now();
            long time = System.nanoTime();
            double perSecond = (now.recordsRead() - previousRead) / ((time - previousTime) / 1e9);
            System.out.printf(Locale.ROOT, "progress: %,.0f records/s, %,d rows inserted, %,d errors, lag %s%n",
                    perSecond, now.rowsInserted(), now.errorsTotal(), lagText(lag, at));
            Progress progress = Progress.of(now, previousRead);
            previousRead = now.recordsRead();
            previousTime = time;
            if (lag.isKnown()) {
                lastKnown = at;
            }
            if (untilDrained) {
                Drain drain = drain(lag, progress, at, lastKnown, unknownLagTimeout);
                if (drain.done() || drain.failure() != null) {
                    unknownTooLong = drain.failure();
                    pipeline.stop();
                }
            }
        }
        MetricsSnapshot end = summary(pipeline, started);
        if (unknownTooLong != null) {
            throw new LagUnknownException(unknownTooLong);
        }
        return end;
    }

    /** Whether a pipeline watched until drained is done, or the failure to report: see {@link #drain}. */
    record Drain(boolean done, String failure) {
    }

    /**
     * What the drain rule needs of the counters: records read in all and during the last interval, and
     * records handled (rows inserted plus records in the error table).
     */
    record Progress(long read, long readLastInterval, long handled) {

        /** The counters {@code now}, with {@code previousRead} records read at the previous look. */
        static Progress of(MetricsSnapshot now, long previousRead) {
            return new Progress(now.recordsRead(), now.recordsRead() - previousRead, now.rowsInserted() + now.errorsTotal());
        }
    }

    /**
     * Drained means the lag is known and 0, nothing was read during the last interval and every record
     * read was handled (inserted or in the error table): a lag of 0 may only say that everything was
     * fetched (Kinesis' {@code MillisBehindLatest}), not that it landed. A source with nothing to read
     * (an empty topic) is drained at once. A lag still unknown {@code timeout} after it was last seen
     * known ({@code lastKnown}, or when the watch began) is a failure that names its age and reasons: an
     * unknown lag is never taken for "nothing left".
     */
    static Drain drain(SourceLag lag, Progress progress, Instant now, Instant lastKnown, Duration timeout) {
        if (lag.isKnown()) {
            return new Drain(lag.total().getAsLong() == 0 && progress.readLastInterval() == 0
                    && progress.handled() >= progress.read(), null);
        }
        Duration unknownFor = Duration.between(lastKnown, now);
        if (unknownFor.compareTo(timeout) <= 0) {
            return new Drain(false, null);
        }
        return new Drain(false, String.format(Locale.ROOT, "not drained: the lag has been unknown for %.1f s (since %s),"
                + " more than %d s: %s", unknownFor.toMillis() / 1000.0, lastKnown, timeout.toSeconds(), unknownReasons(lag, now)));
    }

    /** The lag in words: the total (records, or milliseconds with " ms"), or why it is unknown. */
    static String lagText(SourceLag lag, Instant now) {
        return lag.isKnown() ? String.format(Locale.ROOT, "%,d", lag.total().getAsLong())
                + (lag.unit() == SourceLag.Unit.MILLIS ? " ms" : "") : "unknown (" + unknownReasons(lag, now) + ")";
    }

    /** The distinct reasons of the unknown splits, each with (the first three of) its splits and the age of their last good reading. */
    private static String unknownReasons(SourceLag lag, Instant now) {
        if (!lag.measured()) {
            return "this source does not measure its lag";
        }
        Map<String, java.util.List<String>> byReason = new java.util.LinkedHashMap<>();
        for (SplitLag split : lag.splits()) {
            if (!split.isKnown()) {
                String age = split.ageOfLastReading(now).map(d -> "last good reading " + d.toSeconds() + " s ago")
                        .orElse("never read");
                byReason.computeIfAbsent(split.unknownBecause(), reason -> new java.util.ArrayList<>())
                        .add(split.split() + ", " + age);
            }
        }
        StringBuilder text = new StringBuilder();
        byReason.forEach((reason, splits) -> text.append(text.length() == 0 ? "" : "; ").append(reason)
                .append(" [").append(String.join("; ", splits.subList(0, Math.min(3, splits.size()))))
                .append(splits.size() > 3 ? "; and " + (splits.size() - 3) + " more" : "").append(']'));
        return text.toString();
    }

    /** Prints the final one-line summary of a pipeline that ran since {@code startedNanos}; returns its counters. */
    static MetricsSnapshot summary(Pipeline pipeline, long startedNanos) {
        MetricsSnapshot end = pipeline.metrics();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        System.out.printf(Locale.ROOT, "summary: %,d records read, %,d rows inserted in %,d batches, %,d errors,"
                        + " %.1f s, %,.0f records/s, insert latency mean %.1f ms%n",
                end.recordsRead(), end.rowsInserted(), end.batchesInserted(), end.errorsTotal(), seconds,
                end.recordsRead() / seconds, end.insertMillisMean());
        return end;
    }

    /** The DDL of a table made from a schema, typed for the server's version. */
    interface SchemaDdl {
        String sql(String serverVersion) throws Exception;
    }

    /**
     * The sink of a quickstart that makes its table from a schema: a table that exists is used as it
     * is (the mapper fills the columns it has and skips the other fields, so a schema field the server
     * cannot type does not matter when the table leaves it out); DDL is made only for a missing one.
     */
    static ClickHouseSink existingOrNewTable(ClickHouseConnection clickhouse, String table, Object schema, SchemaDdl ddl)
            throws Exception {
        ClickHouseSink.Builder sink = ClickHouseSink.builder().connection(clickhouse).table(table);
        if (ClickHouseTables.exists(clickhouse, null, table)) {
            System.out.println("table " + table + " exists: used as it is");
            return sink.build();
        }
        String sql = ddl.sql(ClickHouseTables.serverVersion(clickhouse).text());
        System.out.println("table (created if missing) from " + schema + ":\n" + sql);
        return sink.createTableIfMissing(sql).build();
    }
}
