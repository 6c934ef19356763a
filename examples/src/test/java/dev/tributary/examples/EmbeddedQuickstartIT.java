package dev.tributary.examples;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EmbeddedQuickstart} against a real Kafka broker and the embedded 26.5 engine (on the test kit's
 * {@link ChDb} data path: one per JVM): every event lands, and the printed query is the engine's answer.
 */
@ExtendWith(TestServers.class)
class EmbeddedQuickstartIT {

    @Test
    void streamsEveryEventIntoTheEmbeddedEngineAndPrintsTheEventsPerType(KafkaBroker kafka, ChDb chdb) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "github_embedded_" + suffix;
        String table = "github_" + suffix;
        int messages = 5_000;
        Demo.createTopic(kafka, topic, 3);
        Demo.produce(kafka, topic, messages);
        ChDbTarget target = ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();

        EmbeddedQuickstart.Result result = EmbeddedQuickstart.run(kafka.bootstrapServers(), topic, "group-" + suffix,
                table, target, Duration.ofMillis(500));

        assertEquals(messages, result.metrics().rowsInserted());
        assertEquals(0, result.metrics().errorsTotal());
        assertEquals(List.of(String.valueOf(messages), String.valueOf(messages)), List.of(chdb.queryText(
                "SELECT count(), uniqExact(id) FROM " + table, "TabSeparated").trim().split("\t")));
        // Every row of the engine's answer is in what was printed, and the printed counts add up to every event.
        String expected = chdb.queryText(String.format(EmbeddedQuickstart.QUERY, table), "TabSeparated").trim();
        List<String> rows = expected.lines().toList();
        assertTrue(rows.size() >= 5, expected);
        long total = 0;
        for (String row : rows) {
            String[] cells = row.split("\t");
            assertTrue(result.queryResult().matches("(?s).*\\b" + cells[0] + "\\s*│\\s*" + cells[1] + "\\s*│\\s*"
                    + cells[2] + "\\b.*"), "printed result lacks " + row + ":\n" + result.queryResult());
            total += Long.parseLong(cells[1]);
        }
        assertEquals(messages, total);
    }
}
