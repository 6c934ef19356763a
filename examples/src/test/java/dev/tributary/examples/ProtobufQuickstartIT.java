package dev.tributary.examples;

import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ProtobufQuickstart} against a real Kafka broker, Apicurio and ClickHouse 18.16: it registers
 * the demo schema, produces orders, makes the table from the registry's schema, and every order lands
 * with its values.
 */
@ExtendWith(TestServers.class)
class ProtobufQuickstartIT {

    @Test
    void everyProducedOrderLandsInTheTableMadeFromTheRegistrySchema(KafkaBroker kafka, SchemaRegistry registry,
                                                                     ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "pb_orders_" + suffix;
        Demo.createTopic(kafka, topic, 1);
        MetricsSnapshot metrics = ProtobufQuickstart.run(new ProtobufQuickstart.Settings(kafka.bootstrapServers(), topic,
                "group-" + suffix, registry.url().toString(), null, null, clickhouse.endpoint(), topic, 1_000, true,
                Duration.ofMillis(500)));

        assertEquals(1_000, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        ClickHouseSql sql = clickhouse.sql();
        assertEquals(List.of(List.of("1000", "1000", "333", "200", "200", "143")),
                sql.rows("SELECT count(), uniqExact(id), countIf(kind = 'BUY'), countIf(country IS NULL),"
                        + " countIf(ts = toDateTime(1700000000 + intDiv(id, 4), 'UTC') AND user = concat('user-', toString(id % 1000))"
                        + " AND amount_cents = id % 10000 AND country = ['NL', 'DE', 'FR', 'CN'][id % 4 + 1] AND id % 4 = 0),"
                        + " countIf(tags = [concat('t', toString(id % 7))] AND id % 7 = 0) FROM " + topic));
    }
}
