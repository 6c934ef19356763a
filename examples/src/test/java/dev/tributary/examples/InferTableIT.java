package dev.tributary.examples;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.SampleStart;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.inference.ProposedColumn;
import dev.tributary.core.inference.TableInference;
import dev.tributary.core.inference.TableProposal;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InferTable} against a real broker: a table inferred from 1,000 of the seed's GitHub events
 * (typed for ClickHouse 18.16, and for the chDB 26.5 engine) ingests the whole 100,000-message topic
 * with zero error rows; the proposal is printed and {@code --create} creates the table once.
 */
@ExtendWith(TestServers.class)
class InferTableIT {

    private static final int MESSAGES = 100_000;
    private static String topic;

    /** One 100,000-event topic for both tests (producing it takes most of a test's time). */
    private static synchronized String githubTopic(KafkaBroker kafka) throws Exception {
        if (topic == null) {
            String name = "github_infer_" + System.nanoTime();
            Demo.createTopic(kafka, name, 3);
            Demo.produce(kafka, name, MESSAGES);
            topic = name;
        }
        return topic;
    }

    private static InferTable.Settings settings(KafkaBroker kafka, String topic, String endpoint, String table) {
        return new InferTable.Settings(kafka.bootstrapServers(), topic, endpoint, table, 1000, SampleStart.EARLIEST, true,
                List.of("_partition", "_offset"), Duration.ofSeconds(30));
    }

    private static Map<String, String> types(TableProposal proposal) {
        return proposal.columns().stream().collect(Collectors.toMap(ProposedColumn::name, c -> c.type().toString()));
    }

    @Test
    void aTableInferredFor1816IngestsTheWholeTopicWithZeroErrors(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = githubTopic(kafka);
        String table = "github_inferred_" + System.nanoTime();

        InferTable.Result result = InferTable.run(settings(kafka, topic, clickhouse.endpoint(), table));

        assertTrue(result.created());
        TableProposal proposal = result.proposal();
        assertEquals(1000, proposal.sampled());
        assertEquals(0, proposal.malformed());
        assertEquals(List.of(), proposal.skipped());
        Map<String, String> types = types(proposal);
        // 18.16: no Bool, no DateTime64, LowCardinality only with a setting.
        assertEquals("UInt32", types.get("id"));
        assertEquals("DateTime", types.get("created_at"));
        assertEquals("String", types.get("event_type"));
        assertEquals("Array(String)", types.get("labels"));
        assertEquals("Tuple(ignored UInt8, note String)", types.get("payload_extra"));
        assertEquals("UInt64", types.get("_offset"));
        ClickHouseSql sql = clickhouse.sql();
        assertEquals(types.get("comment_id"), sql.value("SELECT type FROM system.columns WHERE database = currentDatabase() AND table = '"
                + table + "' AND name = 'comment_id'"));
        assertFalse(InferTable.run(settings(kafka, topic, clickhouse.endpoint(), table)).created()); // exists: left as it is

        MetricsSnapshot metrics = Quickstart.run(new Quickstart.Settings(kafka.bootstrapServers(), topic, "group-" + table,
                clickhouse.endpoint(), table, true, Duration.ofSeconds(5)));

        assertEquals(MESSAGES, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        assertEquals(List.of(List.of(String.valueOf(MESSAGES), String.valueOf(MESSAGES), "1")),
                sql.rows("SELECT count(), uniqExact(id), min(payload_extra.1) FROM " + table));
        assertEquals("0", sql.value("SELECT count() FROM " + table + "_errors"));
    }

    @Test
    void aProposalTypedForANewerServerIsNotCreatedOnAnOlderOne(ClickHouseServer clickhouse) {
        String table = "typed_for_24_8_" + System.nanoTime();
        TableProposal proposal = TableInference.builder().table(table).serverVersion("24.8")
                .values(List.of("{\"ok\":true}".getBytes(StandardCharsets.UTF_8))).build();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> proposal.createIfMissing(
                ClickHouseConnection.builder().endpoint(clickhouse.endpoint()).build()));

        assertTrue(refused.getMessage().contains("serverVersion(\"18.16"), refused.getMessage());
        assertEquals("0", clickhouse.sql().value("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '"
                + table + "'"));
    }

    @Test
    void aTableInferredForTheEmbeddedEngineHasModernTypesAndIngestsWithZeroErrors(KafkaBroker kafka, ChDb chdb) throws Exception {
        String topic = githubTopic(kafka);
        String table = "github_inferred_" + System.nanoTime();
        ChDbTarget target = ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();

        InferTable.Result result = InferTable.run(settings(kafka, topic, null, table), target);

        assertTrue(result.created());
        Map<String, String> types = types(result.proposal());
        assertEquals("LowCardinality(String)", types.get("event_type"));
        assertEquals("Array(LowCardinality(String))", types.get("labels"));
        assertEquals("Tuple(ignored Bool, note LowCardinality(String))", types.get("payload_extra"));
        // The two text columns with the fewest distinct values (state: 3, ref_type: 4), then the first date-time.
        assertEquals(List.of("state", "ref_type", "file_time"), result.proposal().suggestedOrderBy());

        EmbeddedQuickstart.Result ingested = EmbeddedQuickstart.run(kafka.bootstrapServers(), topic, "group-" + table, table,
                target, Duration.ofSeconds(5));

        assertEquals(MESSAGES, ingested.metrics().rowsInserted());
        assertEquals(0, ingested.metrics().errorsTotal());
        assertEquals("0", chdb.rows("SELECT count() FROM " + table + "_errors").get(0).get(0));
        assertEquals(List.of(List.of(String.valueOf(MESSAGES), String.valueOf(MESSAGES), "true")),
                chdb.rows("SELECT count(), uniqExact(id), min(payload_extra.ignored) FROM " + table));
    }
}
