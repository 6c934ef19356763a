package dev.tributary.chdb.contract;

import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RecordRouter;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One pipeline writing two tables, routed by a field (ClickHouse 18.16 and the 26.5 engine). */
class RoutingContractIT {

    /**
     * Record i: kind "a" or "b" by parity, except every 10th (kind "x": no such route), every 10th + 3
     * (not JSON) and every 10th + 5 (id -1: refused by b's UInt64 column).
     */
    private static byte[] value(long i) {
        String json = switch ((int) (i % 10)) {
            case 0 -> "{\"id\": " + i + ", \"kind\": \"x\"}";
            case 3 -> "not json " + i;
            case 5 -> "{\"id\": -1, \"kind\": \"b\"}";
            default -> "{\"id\": " + i + ", \"kind\": \"" + (i % 2 == 0 ? "a" : "b") + "\"}";
        };
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @BothTargets
    void eachRecordLandsInItsRoutesTableAndEveryOtherInAnErrorTable(ContractTarget clickhouse) throws Exception {
        int total = 1_000;
        GeneratedSource source = new GeneratedSource(3, total, 100, RoutingContractIT::value);
        for (String table : List.of("routed_a", "routed_b")) {
            clickhouse.recreate(table, "(id UInt64, kind String) ENGINE = MergeTree ORDER BY id");
        }
        RecordRouter byKind = RecordRouter.reading(Set.of(FieldPath.of("kind")),
                (record, decoded) -> String.valueOf(decoded.field(FieldPath.of("kind"))));
        try (Pipeline pipeline = Pipeline.builder().name("routing").source(source).decoder(JsonDecoder.create())
                .route("a", clickhouse.sink("routed_a").maxRows(150).maxAge(Duration.ofMillis(200)).build())
                .route("b", clickhouse.sink("routed_b").maxRows(150).maxAge(Duration.ofMillis(200)).build())
                .routeBy(byKind)
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == total);
        }
        long as = 0;
        long bs = 0;
        for (long i = 0; i < total; i++) {
            if (i % 10 != 0 && i % 10 != 3 && i % 10 != 5) {
                if (i % 2 == 0) {
                    as++;
                } else {
                    bs++;
                }
            }
        }
        assertEquals(List.of(List.of(Long.toString(as), Long.toString(as), "a")),
                clickhouse.rows("SELECT count(), uniqExact(id), any(kind) FROM routed_a HAVING uniqExact(kind) = 1"));
        assertEquals(List.of(List.of(Long.toString(bs), Long.toString(bs), "b")),
                clickhouse.rows("SELECT count(), uniqExact(id), any(kind) FROM routed_b HAVING uniqExact(kind) = 1"));
        assertEquals(0, clickhouse.longValue("SELECT count() FROM routed_a WHERE id % 2 != 0"), "no b record in a");
        // The default route (the first) keeps what has no route: the unknown kind and what does not decode.
        assertEquals(List.of(List.of("DECODE", Long.toString(total / 10)), List.of("MAPPING", Long.toString(total / 10))),
                clickhouse.rows("SELECT error_kind, count() FROM routed_a_errors GROUP BY error_kind ORDER BY error_kind"));
        assertEquals(total / 10, clickhouse.longValue("SELECT count() FROM routed_a_errors WHERE error_kind = 'MAPPING'"
                + " AND message LIKE '%the router chose route \\'x\\', which is not one of [a, b]%'"));
        // b's own mapping errors go to b's error table.
        assertEquals(List.of(List.of("MAPPING", Long.toString(total / 10))),
                clickhouse.rows("SELECT error_kind, count() FROM routed_b_errors GROUP BY error_kind"));
    }
}
