package dev.tributary.kafka.reliability;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaTestData;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.tributary.kafka.KafkaTestData.await;
import static dev.tributary.kafka.reliability.ReliabilityTestSupport.jsonString;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Table, database and column names with quotes, backticks, backslashes, spaces, semicolons, SQL
 * comments and non-ASCII letters work end to end on the ClickHouse 18.16 server — schema discovery,
 * the error table's DDL, inserts, the error table's inserts — and cannot inject SQL: a name that
 * reads like {@code `; DROP TABLE …} is only ever a name, and the table it names is left alone.
 */
@ExtendWith(TestServers.class)
class HostileIdentifiersIT {

    private static final String DATABASE = "db `tick` 'quote' \"dq\" \\ ü 表";
    private static final String TABLE = "t` ; DROP TABLE default.hostile_victim; -- 'x' \"y\" \\ ünï 表";
    private static final List<String> COLUMNS = List.of("id", "col`tick", "it's", "sp ace", "dq\"col", "back\\slash",
            "semi;colon -- comment", "ünï 表", "a.b");

    @Test
    void hostileNamesWorkEndToEndAndInjectNothing(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS hostile_victim");
        sql.execute("CREATE TABLE hostile_victim (x UInt8) ENGINE = Memory");
        sql.execute("INSERT INTO hostile_victim VALUES (42)");
        sql.execute("CREATE DATABASE IF NOT EXISTS " + Identifiers.quote(DATABASE));
        String qualified = Identifiers.qualified(DATABASE, TABLE);
        sql.execute("DROP TABLE IF EXISTS " + qualified);
        sql.execute("CREATE TABLE " + qualified + " (" + COLUMNS.stream()
                .map(c -> Identifiers.quote(c) + (c.equals("id") ? " UInt64" : " String")).collect(Collectors.joining(", "))
                + ") ENGINE = MergeTree ORDER BY " + Identifiers.quote("id"));

        String topic = "hostile-" + System.nanoTime();
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1, Map.of());
        List<String> values = new ArrayList<>();
        for (int id = 0; id < 10; id++) {
            StringBuilder json = new StringBuilder("{\"id\":" + id);
            for (String column : COLUMNS.subList(1, COLUMNS.size())) {
                json.append(',').append(jsonString(column)).append(':').append(jsonString(column + " " + id));
            }
            values.add(json.append('}').toString());
        }
        values.add("{\"id\": \"not a number\"}"); // one bad record, for the error table's DDL and insert
        ReliabilityTestSupport.produce(kafka.clientProperties(), topic, values);

        try (Pipeline pipeline = Pipeline.builder().name("hostile").source(KafkaSource.builder()
                        .bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("hostile-" + topic).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).database(DATABASE).table(TABLE)
                        .maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("10 rows and 1 error", Duration.ofMinutes(1), () -> pipeline.failure() != null
                    || sql.longValue("SELECT count() FROM " + qualified) == 10
                    && sql.longValue("SELECT count() FROM " + Identifiers.qualified(DATABASE, TABLE + "_errors")) == 1);
            assertEquals(null, pipeline.failure());
        }

        String select = COLUMNS.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        List<String> row = sql.rows("SELECT " + select + " FROM " + qualified + " WHERE id = 7").get(0);
        List<String> expected = new ArrayList<>(List.of("7"));
        COLUMNS.subList(1, COLUMNS.size()).forEach(column -> expected.add(column + " 7"));
        assertEquals(expected, row, "every hostile column got its own field");
        assertEquals(List.of(List.of("MAPPING", topic + "/0@10")), sql.rows("SELECT error_kind, position FROM "
                + Identifiers.qualified(DATABASE, TABLE + "_errors")));
        assertEquals("42", sql.value("SELECT x FROM default.hostile_victim"), "the table a name mentions is untouched");
        assertEquals(List.of(List.of(TABLE), List.of(TABLE + "_errors")), sql.rows("SELECT name FROM system.tables WHERE database = "
                + Identifiers.literal(DATABASE) + " ORDER BY name"), "no other table was created");
    }
}
