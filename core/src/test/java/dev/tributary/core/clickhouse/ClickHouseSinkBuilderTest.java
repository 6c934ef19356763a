package dev.tributary.core.clickhouse;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseSinkBuilderTest {

    private static ClickHouseSink.Builder valid() {
        return ClickHouseSink.builder().endpoint("http://127.0.0.1:8123").table("events");
    }

    private static void assertNamesSetting(ClickHouseSink.Builder builder, String setting) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(setting), "'" + error.getMessage() + "' should name " + setting);
    }

    @Test
    void namesTheWrongSetting() {
        assertNamesSetting(ClickHouseSink.builder().table("t"), "endpoint is not set");
        assertNamesSetting(valid().endpoint("ftp://host"), "endpoint 'ftp://host'");
        assertNamesSetting(valid().endpoint("not a url"), "endpoint 'not a url'");
        assertNamesSetting(ClickHouseSink.builder().endpoint("http://127.0.0.1:8123"), "table is not set");
        assertNamesSetting(valid().errorTable("events"), "errorTable must differ");
        assertNamesSetting(valid().maxRows(0), "maxRows");
        assertNamesSetting(valid().maxBytes(10), "maxBytes");
        assertNamesSetting(valid().maxAge(Duration.ZERO), "maxAge");
        assertNamesSetting(valid().maxInFlightBatches(0), "maxInFlightBatches");
        assertNamesSetting(valid().retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1)), "retryBackoff max");
        assertNamesSetting(valid().trustedCertificate(java.nio.file.Path.of("/no/such/ca.pem")), "trustedCertificate");
        assertNamesSetting(valid().credentials("", "x"), "credentials user");
        assertNamesSetting(valid().errorTableTtl(Duration.ofMillis(1500)), "errorTableTtl");
        assertNamesSetting(valid().errorTableTtl(Duration.ofDays(-1)), "errorTableTtl");
        assertNamesSetting(valid().maxErrorRawBytes(10), "maxErrorRawBytes");
    }

    @Test
    void refusesCredentialsInTheEndpointUrlWithoutPrintingThem() {
        for (String endpoint : List.of("http://alice:s3cr3t-value@127.0.0.1:8123", "https://alice:s3cr3t-value@host:8443/",
                "http://alice@127.0.0.1:8123", "http://alice:s3cr3t-value@bad host:8123")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> valid().endpoint(endpoint).build(), endpoint);
            assertTrue(error.getMessage().contains("credentials("), error.getMessage());
            assertFalse(error.getMessage().contains("s3cr3t-value"), error.getMessage());
        }
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> valid().endpoint("http://127.0.0.1:8123/?user=alice&password=s3cr3t-value").build());
        assertTrue(error.getMessage().contains("credentials("), error.getMessage());
        assertFalse(error.getMessage().contains("s3cr3t-value"), error.getMessage());
    }

    @Test
    void refusesAsyncInsertsThatDoNotWaitForDurability() {
        for (ClickHouseSink.Builder builder : List.of(valid().insertSetting("async_insert", "1"),
                valid().insertSetting("async_insert", "true").insertSetting("wait_for_async_insert", "0"),
                valid().clientOption("clickhouse_setting_async_insert", "1"))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(error.getMessage().contains("async_insert"), error.getMessage());
            assertTrue(error.getMessage().contains("insertSetting(\"wait_for_async_insert\", \"1\")"), error.getMessage());
            assertTrue(error.getMessage().contains("durable"), error.getMessage());
        }
        valid().insertSetting("async_insert", "1").insertSetting("wait_for_async_insert", "1").build();
        valid().insertSetting("async_insert", "0").build();
    }

    /** One token on every insert makes the server drop each later batch as a duplicate of the first: silent loss. */
    @Test
    void refusesAFixedDeduplicationToken() {
        for (ClickHouseSink.Builder builder : List.of(valid().insertSetting("insert_deduplication_token", "t1"),
                valid().clientOption("clickhouse_setting_insert_deduplication_token", "t1"))) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
            assertTrue(error.getMessage().contains("insert_deduplication_token"), error.getMessage());
            assertTrue(error.getMessage().contains("duplicate"), error.getMessage());
        }
    }

    @Test
    void neverPrintsThePassword() {
        ClickHouseSink sink = valid().credentials("alice", "s3cr3t-value").build();
        assertFalse(sink.toString().contains("s3cr3t-value"), sink.toString());
        assertTrue(sink.toString().contains("alice"));
    }

    @Test
    void takesASharedConnectionOrShortcutsButNotBoth() {
        ClickHouseConnection shared = ClickHouseConnection.builder().endpoint("https://127.0.0.1:8443").database("analytics")
                .credentials("alice", "s3cr3t-value").build();
        ClickHouseSink sink = ClickHouseSink.builder().connection(shared).table("events").build();
        assertSame(shared, sink.config().target);
        assertEquals("analytics", sink.config().database, "the table's database defaults to the connection's");
        assertFalse(sink.toString().contains("s3cr3t-value"), sink.toString());
        assertEquals("other", ClickHouseSink.builder().connection(shared).database("other").table("events").build().config().database);
        assertNamesSetting(ClickHouseSink.builder().connection(shared).table("events").requestTimeout(Duration.ofSeconds(5)),
                "both a connection and [requestTimeout] are set");
        // The shortcuts fill a connection of the sink's own, with the sink's database as its default database.
        ClickHouseSink fromShortcuts = valid().database("analytics").build();
        assertEquals("analytics", fromShortcuts.config().target.database());
        assertEquals("http://127.0.0.1:8123", fromShortcuts.config().target.describe());
    }
}
