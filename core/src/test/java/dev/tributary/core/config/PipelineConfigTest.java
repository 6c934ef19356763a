package dev.tributary.core.config;

import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.JsonSchemaEvolution;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tributary.testkit.ConfigurationDocs.assertEverySetterIsDocumented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineConfigTest {

    /** Every pipeline, sink, mapper and JSON decoder key, each at a value other than its default. */
    private static Map<String, String> everyCoreKey(Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "ca");
        Path cert = Files.writeString(dir.resolve("client.pem"), "cert");
        Path key = Files.writeString(dir.resolve("client.key"), "key");
        Map<String, String> p = new LinkedHashMap<>();
        p.put("pipeline.name", "orders-1");
        p.put("pipeline.poll-timeout", "300ms");
        p.put("pipeline.metrics-log-interval", "0");
        p.put("pipeline.retry-backoff-max", "20s");
        p.put("pipeline.max-record-bytes", "1MB");
        p.put("pipeline.shutdown-timeout", "45s");
        p.put("pipeline.delivery-guarantee", "at-least-once");
        p.put("pipeline.schema-evolution", "true");
        p.put("sink.endpoint", "https://127.0.0.1:8443");
        p.put("sink.database", "analytics");
        p.put("sink.user", "writer");
        p.put("sink.password", "pw-s3cret");
        p.put("sink.connect-timeout", "3s");
        p.put("sink.request-timeout", "90s");
        p.put("sink.compression", "false");
        p.put("sink.trusted-certificate", ca.toString());
        p.put("sink.client-certificate", cert.toString());
        p.put("sink.client-key", key.toString());
        p.put("sink.client-option.socket_keepalive", "true");
        p.put("sink.table", "orders");
        p.put("sink.error-table", "orders_bad");
        p.put("sink.create-table-if-missing", "CREATE TABLE IF NOT EXISTS orders (id UInt64) ENGINE = MergeTree ORDER BY id");
        p.put("sink.max-rows", "5000");
        p.put("sink.max-bytes", "8MB");
        p.put("sink.max-age", "2s");
        p.put("sink.max-in-flight-batches", "3");
        p.put("sink.native-inserts", "false");
        p.put("sink.insert-setting.insert_quorum", "2");
        p.put("sink.retry-backoff-initial", "100ms");
        p.put("sink.retry-backoff-max", "5s");
        p.put("sink.retry-budget", "30m");
        p.put("sink.error-tolerance.max-failed-share", "0.25");
        p.put("sink.error-tolerance.window-records", "1000");
        p.put("sink.error-table-ttl", "3d");
        p.put("sink.max-error-raw-bytes", "32MB");
        p.put("mapper.strict", "true");
        p.put("mapper.column.login.field", "actor.login");
        p.put("mapper.column.offset.virtual", "_offset");
        p.put("mapper.column.env.constant", "prod");
        p.put("decoder.type", "json");
        p.put("decoder.max-nesting-depth", "50");
        p.put("source.type", "generated");
        p.put("source.splits", "2");
        p.put("source.records", "7");
        return p;
    }

    /** The same settings as {@link #everyCoreKey}, with the builders. */
    private static ClickHouseSink builderSink(Path dir) {
        return ClickHouseSink.builder().endpoint("https://127.0.0.1:8443").database("analytics")
                .credentials("writer", "pw-s3cret").connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(90))
                .compression(false).trustedCertificate(dir.resolve("ca.pem"))
                .clientCertificate(dir.resolve("client.pem"), dir.resolve("client.key"))
                .clientOption("socket_keepalive", "true").table("orders").errorTable("orders_bad")
                .createTableIfMissing("CREATE TABLE IF NOT EXISTS orders (id UInt64) ENGINE = MergeTree ORDER BY id")
                .maxRows(5000).maxBytes(8L << 20).maxAge(Duration.ofSeconds(2)).maxInFlightBatches(3).nativeInserts(false)
                .insertSetting("insert_quorum", "2").retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                .retryBudget(Duration.ofMinutes(30)).errorTolerance(0.25, 1000).errorTableTtl(Duration.ofDays(3))
                .maxErrorRawBytes(32 << 20).build();
    }

    @Test
    void everyKeyReachesItsBuilderCall(@TempDir Path dir) throws Exception {
        Pipeline fromKeys = PipelineConfig.fromMap(everyCoreKey(dir));

        ClickHouseSink sink = builderSink(dir);
        DefaultSchemaMapper rules = DefaultSchemaMapper.builder().strict(true).columnFromField("login", "actor.login")
                .columnFromVirtual("offset", "_offset").constant("env", "prod").build();
        assertEquals("orders-1", fromKeys.name());
        assertEquals(Duration.ofMillis(300), field(fromKeys, "pollTimeout"));
        assertEquals(Duration.ZERO, field(fromKeys, "metricsLogInterval"));
        assertEquals(Duration.ofSeconds(20), field(fromKeys, "retryBackoffMax"));
        assertEquals(1 << 20, field(fromKeys, "maxRecordBytes"));
        assertEquals(Duration.ofSeconds(45), field(fromKeys, "shutdownTimeout"));
        assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, field(fromKeys, "deliveryGuarantee"));
        assertInstanceOf(JsonSchemaEvolution.class, field(fromKeys, "evolution"));
        assertEquals(JsonDecoder.builder().maxNestingDepth(50).build().toString(), field(fromKeys, "decoder").toString());
        Object lane = ((List<?>) field(fromKeys, "lanes")).get(0);
        assertEquals(sink.toString(), field(lane, "sink").toString());
        DefaultSchemaMapper mapper = (DefaultSchemaMapper) field(lane, "mapper");
        assertEquals(rules.overrides(), mapper.overrides());
        assertEquals(rules.strict(), mapper.strict());
        assertEquals(FieldPath.parse("actor.login"), ((DefaultSchemaMapper.FromField) mapper.overrides().get("login")).path());
    }

    @Test
    void theDefaultsAreTheBuilders(@TempDir Path dir) throws Exception {
        Pipeline fromKeys = PipelineConfig.fromMap(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "json", "source.type", "generated"));
        ClickHouseSink sink = ClickHouseSink.builder().endpoint("http://127.0.0.1:8123").table("t").build();
        Pipeline built = Pipeline.builder().name("p").source(new GeneratedSourceProvider().create(Config.of(Map.of()), null))
                .decoder(JsonDecoder.create()).sink(sink).build();
        for (String setting : List.of("pollTimeout", "metricsLogInterval", "retryBackoffMax", "maxRecordBytes", "shutdownTimeout",
                "deliveryGuarantee", "evolution")) {
            assertEquals(field(built, setting), field(fromKeys, setting), setting);
        }
        Object lane = ((List<?>) field(fromKeys, "lanes")).get(0);
        assertEquals(sink.toString(), field(lane, "sink").toString());
        assertEquals(DefaultSchemaMapper.create().overrides(), ((DefaultSchemaMapper) field(lane, "mapper")).overrides());
    }

    @Test
    void everyKeyIsInTheDocsAndEveryDocumentedCoreKeyIsRead(@TempDir Path dir) throws Exception {
        Config config = Config.of(everyCoreKey(dir));
        PipelineConfig.build(config);
        Set<String> read = new TreeSet<>();
        for (String key : config.askedKeys()) {
            if (!key.startsWith("source.")) { // the test source's keys
                read.add(key.replaceAll("^mapper\\.column\\.[^.]+\\.", "mapper.column.<column>."));
            }
        }
        read.add("sink.target");
        Set<String> documented = documentedKeys().stream().filter(k -> !k.startsWith("source.") && !k.startsWith("decoder.")
                || k.equals("decoder.type") || k.equals("decoder.max-nesting-depth")).filter(k -> !k.startsWith("sink.target."))
                .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        read.add("sink.client-option.<name>");
        read.add("sink.insert-setting.<name>");
        assertEquals(documented, read);
    }

    /** The keys in the first column of docs/configuration.md's tables. */
    static Set<String> documentedKeys() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z][a-z0-9.<>_-]*)` \\|").matcher(doc);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    @Test
    void anUnknownKeyIsRefusedWithASuggestionBeforeTheBuildersComplain() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.tabel", "t", "decoder.type", "json", "source.type", "generated"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p));
        assertEquals("configuration: unknown key sink.tabel (did you mean sink.table?); every key is listed in"
                + " docs/configuration.md", e.getMessage());
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("ClickHouseSink: table is not set"), e.getSuppressed()[0].getMessage());

        p.put("sink.table", "t");
        p.remove("sink.tabel");
        p.put("pipeline.pol-timeout", "1s");
        p.put("zink.max-rows", "1");
        String message = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage();
        assertTrue(message.contains("pipeline.pol-timeout (did you mean pipeline.poll-timeout?)"), message);
        assertTrue(message.contains("zink.max-rows (did you mean sink.max-rows?)"), message);
    }

    @Test
    void aBuilderRefusalKeepsItsMessageAndNamesTheKey() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "sink.max-rows", "0", "decoder.type", "json", "source.type", "generated"));
        assertEquals("ClickHouseSink: maxRows must be at least 1, was 0 (set by sink.max-rows)",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.put("sink.max-rows", "10");
        p.put("pipeline.poll-timeout", "1m");
        assertEquals("Pipeline p: pollTimeout must be between 1 ms and 10 s, was PT1M (set by pipeline.poll-timeout)",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.remove("pipeline.poll-timeout");
        p.put("decoder.max-nesting-depth", "5000");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .endsWith("(set by decoder.max-nesting-depth)"));
        p.remove("decoder.max-nesting-depth");
        p.put("sink.retry-backoff-initial", "1s");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .startsWith("sink.retry-backoff-max: (not set) must be set with sink.retry-backoff-initial"));
        p.remove("sink.retry-backoff-initial");
        p.put("sink.error-tolerance.window-records", "100");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .endsWith("(set by sink.error-tolerance.max-failed-share)"));
        p.remove("sink.error-tolerance.window-records");
        p.put("mapper.column.x.field", "a");
        p.put("mapper.column.x.constant", "b");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .startsWith("mapper.column.x.*: give exactly one of mapper.column.x.field, mapper.column.x.virtual or"
                        + " mapper.column.x.constant, not 2"));
    }

    @Test
    void aMissingProviderNamesTheDependency() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "json", "source.type", "kinesis"));
        assertEquals("source.type=kinesis: no provider on the class path; add the dependency dev.tributary:tributary-kinesis",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.put("source.type", "generated");
        p.put("decoder.type", "avro");
        assertEquals("decoder.type=avro: no provider on the class path; add the dependency dev.tributary:tributary-avro",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.put("decoder.type", "xml");
        assertEquals("decoder.type=xml: no provider on the class path; the types on the class path are: json",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.remove("decoder.type");
        assertEquals("decoder.type is not set; e.g. decoder.type=json",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.put("decoder.type", "json");
        p.put("sink.target", "chdb");
        assertEquals("sink.target=chdb: no provider on the class path; add the dependency dev.tributary:tributary-chdb",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
    }

    @Test
    void secretsStayOutOfMessagesAndToString(@TempDir Path dir) throws Exception {
        Map<String, String> p = everyCoreKey(dir);
        p.remove("sink.table");
        p.put("sink.pasword", "typo-s3cret");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p));
        StringBuilder all = new StringBuilder(e.getMessage());
        for (Throwable s : e.getSuppressed()) {
            all.append(s.getMessage());
        }
        assertTrue(all.toString().contains("sink.pasword (did you mean sink.password?)"), all.toString());
        assertFalse(all.toString().contains("s3cret"), all.toString());
        p.remove("sink.pasword");
        p.put("sink.table", "t");
        Pipeline pipeline = PipelineConfig.fromMap(p);
        Object lane = ((List<?>) field(pipeline, "lanes")).get(0);
        assertFalse(field(lane, "sink").toString().contains("s3cret"));
        assertFalse(Config.of(p).toString().contains("s3cret"));
    }

    @Test
    void aSecretFromAFileReachesTheSinkAndAnUnreadableOneIsRefusedBeforeAnythingIsBuilt(@TempDir Path dir) throws Exception {
        Map<String, String> p = everyCoreKey(dir);
        Path secret = Files.writeString(dir.resolve("ch-password"), "file-s3cret\n");
        p.put("sink.password", "${file:" + secret + "}");
        Pipeline pipeline = PipelineConfig.fromMap(p);
        Object lane = ((List<?>) field(pipeline, "lanes")).get(0);
        Object target = field(field(field(lane, "sink"), "config"), "target");
        assertEquals("file-s3cret", field(target, "password"), "the file's content less its line break");
        assertFalse(target.toString().contains("s3cret"), target.toString());
        Files.delete(secret);
        assertEquals("sink.password: cannot read ${file:" + secret + "}: NoSuchFileException",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
    }

    @Test
    void schemaEvolutionNeedsADecoderThatHasOne() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "json", "source.type", "generated", "pipeline.schema-evolution", "false"));
        assertEquals(null, field(PipelineConfig.fromMap(p), "evolution"));
    }

    static Object field(Object target, String name) {
        try {
            Field f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBuilderSettingHasAKey() throws Exception {
        // Code only: the components themselves, routing and listeners (see docs/configuration.md).
        assertEverySetterIsDocumented(Pipeline.Builder.class, java.util.Set.of("source", "decoder", "mapper", "sink", "route",
                "routeByTopic", "routeBy", "defaultRoute", "listener"));
        assertEverySetterIsDocumented(ClickHouseSink.Builder.class, java.util.Set.of("connection"));
        assertEverySetterIsDocumented(JsonDecoder.Builder.class, java.util.Set.of());
        assertEverySetterIsDocumented(DefaultSchemaMapper.Builder.class, java.util.Set.of());
    }
}
