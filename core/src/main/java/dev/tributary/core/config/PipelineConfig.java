package dev.tributary.core.config;

import dev.tributary.core.Decoder;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.Source;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.mapping.DefaultSchemaMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A whole {@link Pipeline} — source, decoder, mapper, ClickHouse sink — from keys instead of builder calls,
 * e.g. a properties file: {@code pipeline.*}, {@code source.*} ({@code source.type} picks a
 * {@link SourceProvider}), {@code decoder.*} ({@code decoder.type}, a {@link DecoderProvider}),
 * {@code mapper.*} and {@code sink.*}. Every key maps to one builder call, so that the checks and their
 * messages are the builders' own (with the key added); a key nothing reads is refused, with the nearest
 * known key. Every key is listed in docs/configuration.md. Routing, listeners and custom components are
 * code: take {@link #builder(Config)} and add them.
 */
public final class PipelineConfig {

    /** The sections of the configuration, in the order they are read. */
    private static final List<String> SECTIONS = List.of("pipeline", "sink", "mapper", "decoder", "source");

    private PipelineConfig() {
    }

    /** The pipeline a properties file describes. */
    public static Pipeline fromFile(Path file) {
        return build(Config.load(file));
    }

    /** The pipeline {@code properties} describe. */
    public static Pipeline fromProperties(Properties properties) {
        return build(Config.of(properties));
    }

    /** The pipeline {@code map} describes. */
    public static Pipeline fromMap(Map<String, String> map) {
        return build(Config.of(map));
    }

    /** The pipeline {@code config} describes. */
    public static Pipeline build(Config config) {
        Pipeline.Builder builder = builder(config);
        return config.prefix("pipeline").build(builder::build);
    }

    /**
     * A pipeline builder with everything {@code config} says set (the source, decoder and sink built), for
     * code to add what keys cannot say (a listener, routes) before {@code build()}. Refuses an unknown key.
     */
    public static Pipeline.Builder builder(Config config) {
        Pipeline.Builder builder = Pipeline.builder();
        int section = 0;
        try {
            Config pipeline = config.prefix("pipeline");
            String name = pipeline.requireString("name", "orders-to-clickhouse");
            builder.name(name);
            pipeline.duration("poll-timeout").ifPresent(builder::pollTimeout);
            pipeline.duration("metrics-log-interval").ifPresent(builder::metricsLogInterval);
            pipeline.duration("retry-backoff-max").ifPresent(builder::retryBackoffMax);
            pipeline.intSize("max-record-bytes").ifPresent(builder::maxRecordBytes);
            pipeline.duration("shutdown-timeout").ifPresent(builder::shutdownTimeout);
            pipeline.enumValue("delivery-guarantee", DeliveryGuarantee.class).ifPresent(builder::deliveryGuarantee);
            boolean evolve = pipeline.bool("schema-evolution").orElse(false);

            section++;
            Config sinkKeys = config.prefix("sink");
            builder.sink(sink(sinkKeys));
            ProviderContext context = new ProviderContext(name, sinkKeys);

            section++;
            DefaultSchemaMapper rules = mapperRules(config.prefix("mapper"));

            section++;
            Config decoderKeys = config.prefix("decoder");
            DecoderProvider decoders = Providers.find(DecoderProvider.class, DecoderProvider::type, "decoder", decoderKeys,
                    "type", "json");
            Decoder decoder = decoderKeys.build(() -> decoders.create(decoderKeys, context));
            builder.decoder(decoder).mapper(decoders.mapper(rules));
            if (evolve) {
                SchemaEvolution evolution = decoders.schemaEvolution();
                if (evolution == null) {
                    throw pipeline.invalid("schema-evolution", "is not available with decoder.type=" + decoders.type(), "false");
                }
                builder.schemaEvolution(evolution);
            }

            section++;
            Config sourceKeys = config.prefix("source");
            SourceProvider sources = Providers.find(SourceProvider.class, SourceProvider::type, "source", sourceKeys,
                    "type", "kafka");
            Source source = sourceKeys.build(() -> sources.create(sourceKeys, context));
            builder.source(source);
        } catch (IllegalArgumentException e) {
            // A misspelt key is the likely cause of a refusal: name it first (in the sections read so far).
            // The section that failed may have stopped before reading all its keys: there, only near misses.
            for (int i = 0; i <= section; i++) {
                try {
                    config.prefix(SECTIONS.get(i)).refuseUnknownKeys(i == section);
                } catch (IllegalArgumentException unknown) {
                    unknown.addSuppressed(e);
                    throw unknown;
                }
            }
            throw e;
        }
        config.refuseUnknownKeys();
        return builder;
    }

    /** A {@link ClickHouseSink} from the {@code sink.*} keys ({@code sink} is their view). */
    public static ClickHouseSink sink(Config sink) {
        ClickHouseSink.Builder builder = ClickHouseTargetConfig.apply(sink, ClickHouseSink.builder());
        sink.string("table").ifPresent(builder::table);
        sink.string("error-table").ifPresent(builder::errorTable);
        sink.string("create-table-if-missing").ifPresent(builder::createTableIfMissing);
        sink.integer("max-rows").ifPresent(builder::maxRows);
        sink.size("max-bytes").ifPresent(builder::maxBytes);
        sink.duration("max-age").ifPresent(builder::maxAge);
        sink.integer("max-in-flight-batches").ifPresent(builder::maxInFlightBatches);
        sink.bool("native-inserts").ifPresent(builder::nativeInserts);
        sink.children("insert-setting").forEach(builder::insertSetting);
        Optional<Duration> retryInitial = sink.duration("retry-backoff-initial");
        Optional<Duration> retryMax = sink.duration("retry-backoff-max");
        if (retryInitial.isPresent() != retryMax.isPresent()) {
            String missing = retryInitial.isPresent() ? "retry-backoff-max" : "retry-backoff-initial";
            throw sink.invalid(missing, "must be set with " + (retryInitial.isPresent() ? sink.key("retry-backoff-initial")
                    : sink.key("retry-backoff-max")) + " (one builder call, retryBackoff(initial, max); defaults 200ms and 10s)",
                    retryInitial.isPresent() ? "10s" : "200ms");
        }
        if (retryInitial.isPresent()) {
            builder.retryBackoff(retryInitial.get(), retryMax.get());
        }
        sink.duration("retry-budget").ifPresent(builder::retryBudget);
        Config tolerance = sink.prefix("error-tolerance");
        Optional<Double> share = tolerance.decimal("max-failed-share");
        Optional<Integer> window = tolerance.integer("window-records");
        if (share.isPresent() || window.isPresent()) {
            // One builder call; the builder refuses the one missing.
            builder.errorTolerance(share.orElse(Double.NaN), window.orElse(0));
        }
        sink.duration("error-table-ttl").ifPresent(builder::errorTableTtl);
        sink.intSize("max-error-raw-bytes").ifPresent(builder::maxErrorRawBytes);
        return sink.build(builder::build);
    }

    /**
     * The {@link DefaultSchemaMapper} rules of the {@code mapper.*} keys: {@code strict}, and per column
     * one of {@code column.<column>.field} (a dotted path), {@code column.<column>.virtual} (a virtual column,
     * e.g. {@code _offset}) or {@code column.<column>.constant} (text, converted to the column's type).
     */
    public static DefaultSchemaMapper mapperRules(Config mapper) {
        DefaultSchemaMapper.Builder builder = DefaultSchemaMapper.builder();
        mapper.bool("strict").ifPresent(builder::strict);
        Set<String> columns = mapper.groups("column");
        for (String column : columns) {
            Config keys = mapper.prefix("column").prefix(column);
            Optional<String> field = keys.string("field");
            Optional<String> virtual = keys.string("virtual");
            Optional<String> constant = keys.string("constant");
            int given = (field.isPresent() ? 1 : 0) + (virtual.isPresent() ? 1 : 0) + (constant.isPresent() ? 1 : 0);
            if (given != 1) {
                throw new Config.KeyedException(keys.key("*") + ": give exactly one of " + keys.key("field") + ", "
                        + keys.key("virtual") + " or " + keys.key("constant") + ", not " + given
                        + "; e.g. " + keys.key("field") + "=actor.login", null);
            }
            field.ifPresent(path -> mapper.build(() -> builder.columnFromField(column, path)));
            virtual.ifPresent(name -> builder.columnFromVirtual(column, name));
            constant.ifPresent(value -> builder.constant(column, value));
        }
        return mapper.build(builder::build);
    }
}
