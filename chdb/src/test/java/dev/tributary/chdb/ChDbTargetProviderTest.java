package dev.tributary.chdb;

import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sink.target=chdb}: the sink's target from keys, as the builders make it. */
class ChDbTargetProviderTest {

    private static ClickHouseSink sink(Map<String, String> keys) {
        Config config = Config.of(keys);
        ClickHouseSink sink = PipelineConfig.sink(config.prefix("sink"));
        config.refuseUnknownKeys();
        return sink;
    }

    @Test
    void everyKeyReachesItsBuilderCall() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("sink.target", "chdb");
        p.put("sink.target.data-path", TestEngine.DATA_PATH.toString());
        p.put("sink.target.database", "analytics");
        p.put("sink.table", "events");
        ClickHouseSink built = ClickHouseSink.builder().target(ChDbTarget.builder().dataPath(TestEngine.DATA_PATH)
                .database("analytics").build()).table("events").build();
        assertEquals(built.toString(), sink(p).toString());
    }

    @Test
    void badKeysAreNamed() {
        String message = assertThrows(IllegalArgumentException.class, () -> sink(Map.of("sink.target", "chdb",
                "sink.table", "events"))).getMessage();
        assertTrue(message.startsWith("dataPath is required") && message.endsWith("(set by sink.target.data-path)"), message);
        message = assertThrows(IllegalArgumentException.class, () -> sink(Map.of("sink.target", "chdb",
                "sink.target.data-path", TestEngine.DATA_PATH.toString(), "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "events"))).getMessage();
        assertTrue(message.startsWith("ClickHouseSink: both a connection and [endpoint] are set")
                && message.contains("sink.endpoint"), message);
        message = assertThrows(IllegalArgumentException.class, () -> sink(Map.of("sink.target", "chdb",
                "sink.target.data-pth", "x", "sink.table", "events"))).getMessage();
        assertTrue(message.contains("sink.target.data-pth (did you mean sink.target.data-path?)")
                || message.startsWith("dataPath is required"), message);
    }
}
