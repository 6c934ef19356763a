package dev.tributary.core.clickhouse;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseConnectionTest {

    private static ClickHouseConnection.Builder valid() {
        return ClickHouseConnection.builder().endpoint("http://127.0.0.1:8123");
    }

    private static String refusal(ClickHouseConnection.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void buildNamesTheWrongSettingAndTheFix() {
        assertTrue(refusal(ClickHouseConnection.builder()).contains("endpoint is not set; call endpoint("));
        assertTrue(refusal(valid().endpoint("ftp://host")).contains("endpoint 'ftp://host' must be an http:// or https://"));
        assertTrue(refusal(valid().database(" ")).contains("database is not set; call database("));
        assertTrue(refusal(valid().credentials("", "x")).contains("credentials user is not set"));
        assertTrue(refusal(valid().credentials("u", null)).contains("password is null"));
        assertTrue(refusal(valid().connectTimeout(Duration.ZERO)).contains("connectTimeout must be a positive duration"));
        assertTrue(refusal(valid().requestTimeout(Duration.ofSeconds(-1))).contains("requestTimeout must be a positive duration"));
        assertTrue(refusal(valid().trustedCertificate(Path.of("/no/such/ca.pem"))).contains("trustedCertificate file /no/such/ca.pem is not readable"));
        assertTrue(refusal(valid().clientCertificate(Path.of("/no/such/cert.pem"), null)).contains("needs both the certificate and the key"));
    }

    @Test
    void refusesCredentialsInTheUrlWithoutRepeatingThem() {
        String message = refusal(valid().endpoint("https://alice:s3cr3t-value@host:8443"));
        assertTrue(message.contains("credentials(user, password)"), message);
        assertFalse(message.contains("s3cr3t-value"), message);
    }

    @Test
    void toStringMasksThePasswordAndTheKey() {
        ClickHouseConnection connection = valid().credentials("alice", "s3cr3t-value").clientOption("socket_keepalive", "true").build();
        String text = connection.toString();
        assertFalse(text.contains("s3cr3t-value"), text);
        assertTrue(text.contains("alice") && text.contains("password=****") && text.contains("http://127.0.0.1:8123"), text);
        assertEquals("http://127.0.0.1:8123", connection.describe());
        assertEquals("default", connection.database());
    }

    @Test
    void aBuilderTakesEitherATargetOrShortcutsNotBoth() {
        ClickHouseConnection shared = valid().build();
        assertSame(shared, ClickHouseConnection.builder().resolve("ClickHouseSink", shared, "analytics"));
        String both = assertThrows(IllegalArgumentException.class, () -> ClickHouseConnection.builder()
                .endpoint("http://other:8123").credentials("u", "p").resolve("ClickHouseSink", shared, null)).getMessage();
        assertTrue(both.startsWith("ClickHouseSink: both a connection and [endpoint, credentials] are set"), both);

        ClickHouseTarget fromShortcuts = valid().resolve("ClickHouseSink", null, "analytics");
        assertEquals("analytics", fromShortcuts.database());
        String missing = assertThrows(IllegalArgumentException.class,
                () -> ClickHouseConnection.builder().resolve("ClickHouseCheckpointStore", null, null)).getMessage();
        assertTrue(missing.startsWith("ClickHouseCheckpointStore: endpoint is not set; call endpoint("), missing);
        String wrong = assertThrows(IllegalArgumentException.class,
                () -> valid().connectTimeout(Duration.ZERO).resolve("ClickHouseSink", null, null)).getMessage();
        assertTrue(wrong.startsWith("ClickHouseSink: connectTimeout"), wrong);
    }
}
