package dev.tributary.examples;

import dev.tributary.avro.AvroConfluentDecoder;
import dev.tributary.avro.AvroSchemaMapper;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The README's pipeline (Kafka → JSON → ClickHouse), run in a child JVM by the small-heap ITs
 * ({@code -Xmx256m}/{@code -Xmx512m}) so that an OutOfMemoryError or a StackOverflowError of one
 * record shows as what it does to a user's process. Runs until a line arrives on stdin (or stdin
 * closes), then stops gracefully; exits 0 after a clean stop, 1 when the pipeline failed.
 *
 * <p>It prints, for every record, {@code TIMING <position> <microseconds>}: the time from the start
 * of its decoding to the start of the next record's (decode, map and encode, and at most the poll
 * or flush that follows a batch), an upper bound of what the record cost the pipeline thread.
 *
 * <p>Arguments: bootstrap servers, topic, consumer group, ClickHouse endpoint, table, and optionally
 * the format ({@code json}, {@code avro-fast} or {@code avro-slow}) and the registry's URL.
 */
public final class SmallHeapPipeline {

    private SmallHeapPipeline() {
    }

    public static void main(String[] args) throws Exception {
        String format = args.length > 5 ? args[5] : "json";
        TimingDecoder decoder = new TimingDecoder(format.equals("json") ? JsonDecoder.create()
                : AvroConfluentDecoder.builder().registryUrl(args[6]).build());
        // Avro: the fast path (straight from the bytes) or the generic one (AvroRecord.field).
        SchemaMapper mapper = format.equals("avro-fast") ? AvroSchemaMapper.create() : DefaultSchemaMapper.create();
        Pipeline pipeline = Pipeline.builder()
                .name("small-heap")
                .mapper(mapper)
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(decoder)
                .sink(ClickHouseSink.builder().endpoint(args[3]).table(args[4]).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO)
                .build();
        pipeline.start();
        System.out.println("STARTED max_heap_mb=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
        Thread watcher = new Thread(() -> {
            try {
                pipeline.awaitTermination();
            } catch (Exception e) {
                System.out.println("FAILED " + e);
                System.out.flush();
                Runtime.getRuntime().halt(1); // as a user's process would end: nothing more is committed
            }
        }, "watcher");
        watcher.setDaemon(true);
        watcher.start();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        pipeline.close();
        decoder.timings().forEach((position, micros) -> System.out.println("TIMING " + position + " " + micros));
        System.out.println(pipeline.failure() == null ? "STOPPED" : "FAILED " + pipeline.failure());
        System.exit(pipeline.failure() == null ? 0 : 1);
    }

    /** Times each record from the start of its decoding to the start of the next record's. */
    private static final class TimingDecoder implements Decoder {
        private final Decoder delegate;
        private final Map<String, Long> micros = new LinkedHashMap<>();
        private String previous;
        private long previousStart;

        TimingDecoder(Decoder delegate) {
            this.delegate = delegate;
        }

        @Override
        public DecodedRecord decode(SourceRecord record) throws DecodeException {
            long now = System.nanoTime();
            if (previous != null) {
                micros.put(previous, (now - previousStart) / 1000);
            }
            previous = record.position().toString();
            previousStart = now;
            return delegate.decode(record);
        }

        @Override
        public void onlyFields(Set<FieldPath> fields) {
            delegate.onlyFields(fields);
        }

        Map<String, Long> timings() { // read after the pipeline thread ended
            return micros;
        }
    }
}
