package dev.tributary.core.inference;

import dev.tributary.core.VirtualColumn;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table-level rules of {@link TableInference}: columns, absence, malformed records, the sorting key, the DDL. */
class TableInferenceTest {

    private static final List<VirtualColumn> KAFKA = List.of(
            new VirtualColumn("_topic", "LowCardinality(String)", "the topic"),
            new VirtualColumn("_partition", "UInt64", "the partition"),
            new VirtualColumn("_offset", "UInt64", "the offset"));

    private static List<byte[]> json(String... objects) {
        return Arrays.stream(objects).map(text -> text == null ? null : text.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static String typeOf(TableProposal proposal, String column) {
        return proposal.columns().stream().filter(c -> c.name().equals(column)).findFirst().orElseThrow().type().toString();
    }

    @Test
    void aFieldMissingFromSomeRecordsIsNotNullableButANullOneIs() {
        TableProposal proposal = TableInference.builder().table("t")
                .values(json("{\"a\":1,\"b\":\"x\"}", "{\"a\":2}", "{\"a\":3,\"b\":null}")).build();
        assertEquals("UInt16", typeOf(proposal, "a"));
        assertEquals("Nullable(String)", typeOf(proposal, "b"));
        TableProposal absentOnly = TableInference.builder().table("t").values(json("{\"a\":1,\"b\":\"x\"}", "{\"a\":2}")).build();
        assertEquals("String", typeOf(absentOnly, "b"));
        assertTrue(absentOnly.columns().get(1).reason().contains("missing in 1 of 2"), absentOnly.columns().get(1).reason());
    }

    @Test
    void malformedRecordsAreCountedAndReportedNotFatal() {
        TableProposal proposal = TableInference.builder().table("t")
                .values(json("{\"a\":1}", "{\"a\":", "[1]", null, "{\"a\":2}")).build();
        assertEquals(5, proposal.sampled());
        assertEquals(3, proposal.malformed());
        assertEquals(3, proposal.malformedExamples().size());
        assertTrue(proposal.malformedExamples().get(2).startsWith("record 3: "), proposal.malformedExamples().toString());
        assertTrue(proposal.describe().contains("3 malformed"), proposal.describe());
        assertEquals(List.of("a"), proposal.columns().stream().map(ProposedColumn::name).toList());
    }

    @Test
    void theSortingKeyIsLowCardinalityTextThenADateTime() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            records.add("{\"id\":" + i + ",\"kind\":\"k" + i % 3 + "\",\"region\":\"r" + i % 7 + "\",\"host\":\"h" + i % 20
                    + "\",\"ts\":\"2024-01-01 00:00:" + String.format("%02d", i % 60) + "\",\"note\":\"n" + i + "\"}");
        }
        TableProposal proposal = TableInference.builder().table("events").values(json(records.toArray(new String[0]))).build();
        assertEquals(List.of("kind", "region", "ts"), proposal.suggestedOrderBy());
        assertTrue(proposal.sql().endsWith("ORDER BY (`kind`, `region`, `ts`)"), proposal.sql());
        assertEquals("LowCardinality(String)", typeOf(proposal, "host"));
        assertEquals("String", typeOf(proposal, "note"));

        TableProposal given = TableInference.builder().table("events").orderBy("id").values(json(records.toArray(new String[0]))).build();
        assertNull(given.suggestedOrderBy());
        assertTrue(given.sql().endsWith("ORDER BY (`id`)"), given.sql());
    }

    @Test
    void withoutKeyCandidatesTheVirtualColumnsOrTupleSortTheTable() {
        TableProposal plain = TableInference.builder().table("t").values(json("{\"a\":1}", "{\"a\":2}")).build();
        assertEquals(List.of(), plain.suggestedOrderBy());
        assertTrue(plain.sql().endsWith("ORDER BY tuple()"), plain.sql());
        TableProposal withVirtual = TableInference.builder().table("t").virtualColumns(KAFKA, "_partition", "_offset")
                .values(json("{\"a\":1}")).build();
        assertEquals(List.of("_partition", "_offset"), withVirtual.suggestedOrderBy());
        assertEquals("UInt64", typeOf(withVirtual, "_offset"));
        assertEquals("virtual column: the offset", withVirtual.columns().get(2).reason());
    }

    @Test
    void theDdlIsCoresTableDdlWithQuotedNamesAndTheFieldsLeftOutAreListed() {
        TableProposal proposal = TableInference.builder().table("my events").database("db").serverVersion("18.16")
                .values(json("{\"a b\":true,\"mixed\":[1],\"nested\":{\"x\":\"2024-01-01T00:00:00.5Z\"}}",
                        "{\"a b\":false,\"mixed\":\"no\",\"nested\":{\"x\":null}}")).build();
        assertEquals("""
                CREATE TABLE IF NOT EXISTS `db`.`my events`
                (
                    `a b` UInt8,
                    `nested` Tuple(x Nullable(DateTime))
                )
                ENGINE = MergeTree
                ORDER BY tuple()""", proposal.sql());
        assertEquals("mixed", proposal.skipped().get(0).name());
        assertTrue(proposal.describe().contains("left out: mixed"), proposal.describe());
    }

    @Test
    void virtualColumnsAreTypedForTheServer() {
        List<VirtualColumn> kafka = List.of(new VirtualColumn("_timestamp", "DateTime64(3)", "the timestamp"),
                new VirtualColumn("_topic", "LowCardinality(String)", "the topic"));
        TableProposal old = TableInference.builder().table("t").serverVersion("18.16").virtualColumns(kafka, "_timestamp", "_topic")
                .values(json("{\"a\":1}")).build();
        assertEquals("DateTime", typeOf(old, "_timestamp"));
        assertEquals("String", typeOf(old, "_topic"));
        TableProposal modern = TableInference.builder().table("t").virtualColumns(kafka, "_timestamp", "_topic")
                .values(json("{\"a\":1}")).build();
        assertEquals("DateTime64(3)", typeOf(modern, "_timestamp"));
        assertEquals("LowCardinality(String)", typeOf(modern, "_topic"));
    }

    @Test
    void aSampleWithoutFieldsIsRefusedNamingWhatItHeld() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> TableInference.builder().table("t").values(List.of()).build());
        assertTrue(empty.getMessage().contains("the sample of 0 records"), empty.getMessage());
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class,
                () -> TableInference.builder().table("t").values(json("not json", "{\"x\":{}}")).build());
        assertTrue(malformed.getMessage().contains("1 malformed") && malformed.getMessage().contains("left out"), malformed.getMessage());
    }

    @Test
    void settingsAreCheckedAtBuild() {
        assertThrows(IllegalArgumentException.class, () -> TableInference.builder().values(json("{}")).build()); // no table
        assertThrows(IllegalArgumentException.class, () -> TableInference.builder().table("t").build());         // no sample
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TableInference.builder().virtualColumns(KAFKA, "_nope"));
        assertTrue(unknown.getMessage().contains("_topic"), unknown.getMessage());
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> TableInference.builder().table("t")
                .virtualColumns(KAFKA, "_offset").values(json("{\"_offset\":1}")).build());
        assertTrue(clash.getMessage().contains("_offset"), clash.getMessage());
    }
}
