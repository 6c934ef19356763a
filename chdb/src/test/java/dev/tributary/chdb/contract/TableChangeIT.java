package dev.tributary.chdb.contract;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The target table altered while records stream in (ClickHouse 18.16 and the 26.5 engine): every record lands once with
 * its values intact, no garbage row, nothing in the error table, no restart.
 */
@ExtendWith(TestServers.class)
class TableChangeIT {

    private static final int WAVE = 60_000;


    private static GeneratedSource events() {
        return new GeneratedSource(4, 0, 1_000, i -> ("{\"id\":" + i + ",\"name\":\"user-" + i + "\",\"score\":" + (i % 1000)
                + ",\"note\":\"n" + i + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void createTable(ContractTarget sql, String table) {
        sql.recreate(table, "(id UInt64, name String, score UInt32, note String) ENGINE = MergeTree ORDER BY id");
    }

    private static Pipeline pipeline(ContractTarget clickhouse, String table, GeneratedSource source, SchemaMapper mapper) {
        return Pipeline.builder().name(table).source(source).decoder(JsonDecoder.create()).mapper(mapper)
                .sink(clickhouse.sink(table).maxRows(2_000).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    /**
     * One wave of records, the ALTER while the pipeline is busy with it (records polled, batches
     * open and in flight), a second wave after it; then every record must be in the table once.
     */
    private static void alterUnderLoad(ContractTarget clickhouse, String table, String... alters) throws Exception {
        ContractTarget sql = clickhouse;
        createTable(sql, table);
        GeneratedSource source = events();
        try (Pipeline pipeline = pipeline(clickhouse, table, source, DefaultSchemaMapper.create())) {
            pipeline.start();
            source.add(WAVE);
            await("the first rows landed", Duration.ofMinutes(1), () -> source.committedCount() >= 2_000);
            long committedBeforeAlter = source.committedCount();
            for (String alter : alters) {
                sql.execute("ALTER TABLE " + table + " " + alter);
            }
            assertTrue(committedBeforeAlter < WAVE, "the first wave had landed before the ALTER: no load");
            source.add(WAVE);
            await("every record committed", Duration.ofMinutes(2), () -> source.committedCount() == 2 * WAVE
                    || pipeline.state() == Pipeline.State.FAILED);
            assertEquals(Pipeline.State.RUNNING, pipeline.state(), () -> "failed: " + pipeline.failure());
        }
        assertEquals(List.of(List.of(Integer.toString(2 * WAVE), Integer.toString(2 * WAVE), "0", "0")),
                sql.rows("SELECT count(), uniqExact(id), countIf(name != concat('user-', toString(id))),"
                        + " countIf(toString(score) != toString(id % 1000)) FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"),
                () -> sql.rows("SELECT error_kind, message FROM " + table + "_errors LIMIT 3").toString());
    }

    @BothTargets
    void aColumnAddedWithADefaultKeepsIngestingAndGetsTheDefault(ContractTarget clickhouse) throws Exception {
        alterUnderLoad(clickhouse, "alter_add", "ADD COLUMN extra UInt32 DEFAULT 7");
        assertEquals(0, clickhouse.longValue("SELECT countIf(extra != 7) FROM alter_add"));
    }

    @BothTargets
    void aColumnAddedInTheMiddleKeepsIngesting(ContractTarget clickhouse) throws Exception {
        alterUnderLoad(clickhouse, "alter_add_after", "ADD COLUMN flag Nullable(UInt8) AFTER id");
        assertEquals(0, clickhouse.longValue("SELECT countIf(flag IS NOT NULL) FROM alter_add_after"));
    }

    @BothTargets
    void aDroppedColumnIsNoLongerWritten(ContractTarget clickhouse) throws Exception {
        alterUnderLoad(clickhouse, "alter_drop", "DROP COLUMN note");
    }

    @BothTargets
    void aRetypedColumnIsWrittenInItsNewType(ContractTarget clickhouse) throws Exception {
        alterUnderLoad(clickhouse, "alter_modify", "MODIFY COLUMN score UInt64");
        assertEquals("UInt64", clickhouse.value("SELECT toTypeName(score) FROM alter_modify LIMIT 1"));
    }

    @BothTargets
    void aColumnRetypedToStringGetsTheValuesAsText(ContractTarget clickhouse) throws Exception {
        // The same width would not do: a UInt32 written as a String would parse as garbage.
        alterUnderLoad(clickhouse, "alter_to_string", "MODIFY COLUMN score String");
    }

    /** 18.16 has no RENAME COLUMN; a rename is, to an insert, a column gone and another one added. */
    @BothTargets
    void aRenamedColumnIsWrittenUnderItsNewName(ContractTarget clickhouse) throws Exception {
        alterUnderLoad(clickhouse, "alter_rename", "ADD COLUMN remark String AFTER note", "DROP COLUMN note");
    }

    /** 26.5 renames in place (RENAME COLUMN, 20.4+): the sink writes the new name; the old field maps to nothing. */
    @Test
    void aColumnRenamedInPlaceIsWrittenUnderItsNewNameOnTheModernEngine(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        alterUnderLoad(engine, "alter_rename_in_place", "RENAME COLUMN note TO remark");
        // No garbage; rows before the rename keep their note under the new name, rows after it have no note field.
        assertEquals(List.of(List.of("0", "1", "1")), engine.rows("SELECT countIf(remark != '' AND remark != concat('n', toString(id))),"
                + " countIf(remark = '') > 0, countIf(remark != '') > 0 FROM alter_rename_in_place"));
    }

    @BothTargets
    void droppingAColumnTheMappingNeedsStopsThePipelineNamingIt(ContractTarget clickhouse) throws Exception {
        ContractTarget sql = clickhouse;
        createTable(sql, "alter_needed");
        GeneratedSource source = events();
        DefaultSchemaMapper mapper = DefaultSchemaMapper.builder()
                .columnFromField("note", "note").build();
        try (Pipeline pipeline = pipeline(clickhouse, "alter_needed", source, mapper)) {
            pipeline.start();
            source.add(WAVE);
            await("the first rows landed", Duration.ofMinutes(1), () -> source.committedCount() >= 2_000);
            sql.execute("ALTER TABLE alter_needed DROP COLUMN note");
            source.add(WAVE);
            await("the pipeline stopped", Duration.ofMinutes(1), () -> pipeline.state() == Pipeline.State.FAILED);
            PipelineException failure = assertThrows(PipelineException.class, pipeline::awaitTermination);
            assertTrue(failure.getMessage().contains("'note'") && failure.getMessage().contains("alter_needed"),
                    failure.getMessage());
        }
        assertEquals(0, sql.longValue("SELECT count() FROM alter_needed_errors"));
        assertTrue(source.committedCount() < 2 * WAVE);
    }
}
