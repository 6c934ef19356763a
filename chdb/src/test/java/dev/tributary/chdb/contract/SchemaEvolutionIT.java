package dev.tributary.chdb.contract;

import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RecordRouter;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.JsonSchemaEvolution;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Schema evolution of JSON records (ClickHouse 18.16 and the 26.5 engine): fields that appear mid-run add
 * their columns and land with their values, with no error row and no restart, also when two pipelines add
 * the same column to one table at the same moment.
 */
@ExtendWith(TestServers.class)
class SchemaEvolutionIT {

    private static final int PER_VERSION = 3_000;

    /** v1 {id, name}; v2 adds score; v3 adds active and tags — by the record's number. */
    private static byte[] event(long i, long offset) {
        long id = i + offset;
        StringBuilder json = new StringBuilder("{\"id\":").append(id).append(",\"name\":\"u-").append(id).append('"');
        if (i >= PER_VERSION) {
            json.append(",\"score\":").append(id);
        }
        if (i >= 2 * PER_VERSION) {
            json.append(",\"active\":").append(id % 2 == 0).append(",\"tags\":[\"t").append(id % 3).append("\"]");
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Pipeline pipeline(ContractTarget clickhouse, String name, String table, GeneratedSource source) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create())
                .schemaEvolution(JsonSchemaEvolution.create())
                .sink(clickhouse.sink(table).maxRows(500).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    private static GeneratedSource source(long offset) {
        LongFunction<byte[]> values = i -> event(i, offset);
        return new GeneratedSource(4, 0, 200, values);
    }

    @BothTargets
    void fieldsAddedByTwoLaterVersionsLandWithTheirValues(ContractTarget clickhouse) throws Exception {
        String table = "evolve_json";
        clickhouse.recreate(table, "(id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = source(0);
        try (Pipeline pipeline = pipeline(clickhouse, table, table, source)) {
            pipeline.start();
            source.add(3 * PER_VERSION);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 3 * PER_VERSION
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertLanded(clickhouse, table, 0, 3 * PER_VERSION);
    }

    @BothTargets
    void twoPipelinesAddingTheSameColumnsAtOnceBothKeepRunning(ContractTarget clickhouse) throws Exception {
        String table = "evolve_json_race";
        clickhouse.recreate(table, "(id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        GeneratedSource first = source(0);
        GeneratedSource second = source(1_000_000);
        try (Pipeline a = pipeline(clickhouse, "race-a", table, first);
             Pipeline b = pipeline(clickhouse, "race-b", table, second)) {
            a.start();
            b.start();
            first.add(3 * PER_VERSION);
            second.add(3 * PER_VERSION);
            await("every record of both committed", Duration.ofMinutes(1), () -> first.committedCount() == 3 * PER_VERSION
                    && second.committedCount() == 3 * PER_VERSION
                    || a.state() == Pipeline.State.FAILED || b.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, a.state(), () -> "a failed: " + a.failure());
            assertEquals(Pipeline.State.RUNNING, b.state(), () -> "b failed: " + b.failure());
        }
        assertLanded(clickhouse, table, 0, 3 * PER_VERSION);
        assertLanded(clickhouse, table, 1_000_000, 3 * PER_VERSION);
    }

    /**
     * The race lost: another writer adds {@code score} as String between this pipeline's look at the table and
     * its ALTER (simulated by an evolution that runs that ALTER first). The pipeline's ALTER changes nothing, and
     * the mapping is compiled for the String column that is really there: every value lands as its text.
     */
    @BothTargets
    void aColumnAnotherWriterAddedFirstWithAnotherTypeIsWrittenInThatType(ContractTarget clickhouse) throws Exception {
        String table = "evolve_json_other_type";
        clickhouse.recreate(table, "(id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        JsonSchemaEvolution json = JsonSchemaEvolution.create();
        SchemaEvolution racing = (record, decoded, schema, covered) -> {
            List<SchemaEvolution.NewColumn> wanted = json.newColumns(record, decoded, schema, covered);
            if (wanted.stream().anyMatch(column -> column.name().equals("score"))) {
                clickhouse.execute("ALTER TABLE " + table + " ADD COLUMN score String");
            }
            return wanted;
        };
        GeneratedSource source = new GeneratedSource(4, 0, 200, i -> event(i % (2 * PER_VERSION), 0));
        try (Pipeline pipeline = Pipeline.builder().name(table).source(source).decoder(JsonDecoder.create())
                .schemaEvolution(racing)
                .sink(clickhouse.sink(table).maxRows(500).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            source.add(2 * PER_VERSION);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 2 * PER_VERSION
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertEquals("String", clickhouse.value("SELECT type FROM system.columns WHERE database = currentDatabase()"
                + " AND table = '" + table + "' AND name = 'score'"));
        assertEquals(List.of(List.of(Integer.toString(2 * PER_VERSION), "0", "0")), clickhouse.rows("SELECT count(),"
                + " countIf(id < " + PER_VERSION + " AND score != ''), countIf(id >= " + PER_VERSION
                + " AND score != toString(id)) FROM " + table));
        assertEquals(0, clickhouse.longValue("SELECT count() FROM " + table + "_errors"));
    }

    /** 26.5: an object becomes a named Tuple, date text a DateTime — the inference rules' types — and both land. */
    @Test
    void anObjectAndADateAddATupleAndADateTimeOnTheModernEngine(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        String table = "evolve_json_tuple";
        engine.recreate(table, "(id UInt64) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = new GeneratedSource(2, 0, 200, i -> ("{\"id\":" + i + (i < 500 ? "" : ",\"geo\":{\"lat\":"
                + i + ".5,\"city\":\"c" + (i % 5) + "\"},\"seen\":\"2024-01-31 12:34:56\"") + "}").getBytes(StandardCharsets.UTF_8));
        try (Pipeline pipeline = pipeline(engine, table, table, source)) {
            pipeline.start();
            source.add(1_000);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 1_000
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertEquals(List.of(List.of("geo", "Tuple(lat Float64, city String)"), List.of("seen", "Nullable(DateTime)")),
                engine.rows("SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = '"
                        + table + "' AND name != 'id' ORDER BY name"));
        assertEquals(List.of(List.of("1000", "0", "0")), engine.rows("SELECT count(),"
                + " countIf(id < 500 AND (seen IS NOT NULL OR tupleElement(geo, 'city') != '')),"
                + " countIf(id >= 500 AND (toString(seen) != '2024-01-31 12:34:56' OR tupleElement(geo, 'lat') != id + 0.5"
                + " OR tupleElement(geo, 'city') != concat('c', toString(id % 5)))) FROM " + table));
        assertEquals(0, engine.longValue("SELECT count() FROM " + table + "_errors"));
    }

    /**
     * Keys are names from a payload: backquotes, quotes, a statement, a NUL, an empty key. None stops the pipeline or
     * reaches SQL unquoted: each becomes a column of exactly that name, or (refused by the server, or empty) none, and
     * every record lands.
     */
    @BothTargets
    void hostileKeysNeitherStopThePipelineNorReachSqlUnquoted(ContractTarget clickhouse) throws Exception {
        String table = "evolve_json_hostile";
        clickhouse.recreate(table, "(id UInt64) ENGINE = MergeTree ORDER BY id");
        clickhouse.execute("DROP TABLE IF EXISTS evolve_json_victim");
        clickhouse.execute("CREATE TABLE evolve_json_victim (x UInt8) ENGINE = MergeTree ORDER BY x");
        String[] keys = {"we`ird", "it's", "x UInt8, y String) ENGINE = Memory; DROP TABLE evolve_json_victim; --",
                "nul\\u0000byte", ""};
        GeneratedSource source = new GeneratedSource(2, 0, 200, i -> ("{\"id\":" + i + ",\"" + keys[(int) (i % keys.length)]
                + "\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        try (Pipeline pipeline = pipeline(clickhouse, table, table, source)) {
            pipeline.start();
            source.add(500);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 500
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertEquals(500, clickhouse.longValue("SELECT count() FROM " + table));
        assertEquals(0, clickhouse.longValue("SELECT count() FROM " + table + "_errors"));
        assertEquals(1, clickhouse.longValue("SELECT count() FROM system.tables WHERE database = currentDatabase()"
                + " AND name = 'evolve_json_victim'"));
        List<List<String>> columns = clickhouse.rows("SELECT name FROM system.columns WHERE database = currentDatabase()"
                + " AND table = '" + table + "' AND name != 'id' ORDER BY name");
        // As the keys decode (the JSON text escapes the NUL); TabSeparated prints a NUL as \0.
        List<String> names = List.of("we`ird", "it's", keys[2], "nul\u0000byte");
        for (List<String> column : columns) {
            assertTrue(names.contains(column.get(0).replace("\\0", "\u0000")), columns.toString());
        }
        assertTrue(columns.contains(List.of("we`ird")) && columns.contains(List.of("it's")), columns.toString());
        assertEquals(100, clickhouse.longValue("SELECT countIf(`we\\`ird` = id) FROM " + table));
    }

    /**
     * Routed by a field into two tables, each route's records bring fields of their own mid-run: each table gets its
     * own new columns (the other's fields never become its columns), and every record lands with its values.
     */
    @BothTargets
    void eachRoutesTableGetsTheColumnsOfItsOwnRecords(ContractTarget clickhouse) throws Exception {
        for (String table : List.of("evolve_route_a", "evolve_route_b")) {
            clickhouse.recreate(table, "(id UInt64, kind String) ENGINE = MergeTree ORDER BY id");
        }
        GeneratedSource source = new GeneratedSource(2, 0, 100, i -> {
            String kind = i % 2 == 0 ? "a" : "b";
            String extra = i < 1_000 ? "" : kind.equals("a") ? ",\"only_a\":" + i : ",\"only_b\":\"b" + i + "\"";
            return ("{\"id\":" + i + ",\"kind\":\"" + kind + "\"" + extra + "}").getBytes(StandardCharsets.UTF_8);
        });
        RecordRouter byKind = RecordRouter.reading(Set.of(FieldPath.of("kind")),
                (record, decoded) -> String.valueOf(decoded.field(FieldPath.of("kind"))));
        try (Pipeline pipeline = Pipeline.builder().name("evolve-routes").source(source).decoder(JsonDecoder.create())
                .route("a", clickhouse.sink("evolve_route_a").maxRows(150).maxAge(Duration.ofMillis(200)).build())
                .route("b", clickhouse.sink("evolve_route_b").maxRows(150).maxAge(Duration.ofMillis(200)).build())
                .routeBy(byKind)
                .schemaEvolution(JsonSchemaEvolution.create())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            source.add(2_000);
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 2_000
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        String columns = "SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '%s' ORDER BY name";
        assertEquals(List.of(List.of("id"), List.of("kind"), List.of("only_a")), clickhouse.rows(columns.formatted("evolve_route_a")));
        assertEquals(List.of(List.of("id"), List.of("kind"), List.of("only_b")), clickhouse.rows(columns.formatted("evolve_route_b")));
        assertEquals(List.of(List.of("1000", "0", "0")), clickhouse.rows("SELECT count(), countIf(id < 1000 AND only_a IS NOT NULL),"
                + " countIf(id >= 1000 AND (only_a IS NULL OR assumeNotNull(only_a) != id)) FROM evolve_route_a"));
        assertEquals(List.of(List.of("1000", "0", "0")), clickhouse.rows("SELECT count(), countIf(id < 1000 AND only_b IS NOT NULL),"
                + " countIf(id >= 1000 AND assumeNotNull(only_b) != concat('b', toString(id))) FROM evolve_route_b"));
        for (String table : List.of("evolve_route_a", "evolve_route_b")) {
            assertEquals(0, clickhouse.longValue("SELECT count() FROM " + table + "_errors"));
        }
    }

    /** Every record from {@code offset} once, each with the fields of its version, the older rows NULL there. */
    private static void assertLanded(ContractTarget clickhouse, String table, long offset, int count) {
        String range = " FROM " + table + " WHERE id >= " + offset + " AND id < " + (offset + count);
        long v2 = offset + PER_VERSION;
        long v3 = offset + 2L * PER_VERSION;
        assertEquals(List.of(List.of(Integer.toString(count), Integer.toString(count), "0", "0", "0", "0", "0")),
                clickhouse.rows("SELECT count(), uniqExact(id), countIf(name != concat('u-', toString(id))),"
                        + " countIf(id < " + v2 + " AND score IS NOT NULL),"
                        + " countIf(id >= " + v2 + " AND (score IS NULL OR assumeNotNull(score) != toInt64(id))),"
                        + " countIf(id < " + v3 + " AND (active IS NOT NULL OR length(tags) != 0)),"
                        + " countIf(id >= " + v3 + " AND (toUInt8(assumeNotNull(active)) != (id % 2 = 0)"
                        + " OR tags != [concat('t', toString(id % 3))]))" + range));
        assertEquals(0, clickhouse.longValue("SELECT count() FROM " + table + "_errors"),
                () -> clickhouse.rows("SELECT error_kind, message FROM " + table + "_errors LIMIT 3").toString());
        assertEquals(List.of(List.of("active", clickhouse.modern() ? "Nullable(Bool)" : "Nullable(UInt8)"),
                        List.of("score", "Nullable(Int64)"), List.of("tags", "Array(String)")),
                clickhouse.rows("SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = '"
                        + table + "' AND name IN ('score', 'active', 'tags') ORDER BY name"));
    }
}
