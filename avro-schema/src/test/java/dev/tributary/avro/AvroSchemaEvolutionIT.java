package dev.tributary.avro;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.await;
import static dev.tributary.avro.AvroTestSupport.confluent;
import static dev.tributary.avro.AvroTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Schema evolution of Avro records with three registry schema versions mid-run (Apicurio, ClickHouse 18.16):
 * the fields of v2 and v3 add their columns and land with their values; a map field, which 18.16 has no
 * type for, gets no column and costs no error row.
 */
@ExtendWith(TestServers.class)
class AvroSchemaEvolutionIT {

    private static final int PER_VERSION = 2_000;

    private static final Schema V1 = AvroTestSupport.parse("""
            {"type": "record", "name": "Visit", "namespace": "evolve", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"}]}""");
    private static final Schema V2 = AvroTestSupport.parse("""
            {"type": "record", "name": "Visit", "namespace": "evolve", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
              {"name": "score", "type": ["null", "long"], "default": null}]}""");
    private static final Schema V3 = AvroTestSupport.parse("""
            {"type": "record", "name": "Visit", "namespace": "evolve", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
              {"name": "score", "type": ["null", "long"], "default": null},
              {"name": "country", "type": "string", "default": "NL"},
              {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
              {"name": "attrs", "type": {"type": "map", "values": "string"}, "default": {}}]}""");

    @Test
    void fieldsOfTwoLaterSchemaVersionsAddTheirColumnsMidRun(SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String subject = AvroKafka.unique("visits") + "-value";
        int v1 = client.register(subject, V1);
        int v2 = client.register(subject, V2);
        int v3 = client.register(subject, V3);
        String table = AvroKafka.unique("visits");
        ClickHouseSql sql = clickhouse.sql();
        GeneratedSource source = new GeneratedSource(4, 0, 200, i -> {
            Schema schema = i < PER_VERSION ? V1 : i < 2 * PER_VERSION ? V2 : V3;
            GenericData.Record visit = record(schema, Map.of("id", i, "name", "n" + i));
            if (schema != V1) {
                visit.put("score", i * 10);
            }
            if (schema == V3) {
                visit.put("country", "c" + (i % 7));
                visit.put("tags", List.of("t" + (i % 3), "x"));
                visit.put("attrs", Map.of("k", "v" + i));
            }
            return confluent(schema == V1 ? v1 : schema == V2 ? v2 : v3, schema, visit);
        });
        String ddl = AvroTableDdl.builder().schema(V1).table(table).orderBy("id").serverVersion("18.16").build().sql();
        try (Pipeline pipeline = Pipeline.builder().name("avro-evolve").source(source)
                .decoder(AvroConfluentDecoder.builder().registry(client).build())
                .mapper(AvroSchemaMapper.create())
                .schemaEvolution(AvroSchemaEvolution.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).createTableIfMissing(ddl)
                        .maxRows(500).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            source.add(3 * PER_VERSION);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 3 * PER_VERSION
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertEquals(List.of(List.of("id", "Int64"), List.of("name", "String"), List.of("score", "Nullable(Int64)"),
                        List.of("country", "String"), List.of("tags", "Array(String)")),
                sql.rows("SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = '" + table + "'"));
        assertEquals(List.of(List.of("0", Integer.toString(PER_VERSION), "0", "0"),
                        List.of("1", Integer.toString(PER_VERSION), "0", "0"),
                        List.of("2", Integer.toString(PER_VERSION), "0", "0")),
                sql.rows("SELECT intDiv(id, " + PER_VERSION + ") AS v, uniqExact(id),"
                        + " countIf(name != concat('n', toString(id))),"
                        + " countIf(if(v = 0, score IS NOT NULL OR country != '' OR length(tags) != 0,"
                        + " score IS NULL OR assumeNotNull(score) != id * 10 OR (v = 1 AND (country != '' OR length(tags) != 0))"
                        + " OR (v = 2 AND (country != concat('c', toString(id % 7)) OR tags != [concat('t', toString(id % 3)), 'x']))))"
                        + " FROM " + table + " GROUP BY v ORDER BY v"));
        assertEquals(3L * PER_VERSION, sql.longValue("SELECT count() FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"),
                () -> sql.rows("SELECT error_kind, message FROM " + table + "_errors LIMIT 3").toString());
    }
}
