package dev.tributary.core.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {

    private static Config of(String... keysAndValues) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Config.of(map);
    }

    @Test
    void durationsTakeUnitsIsoAndZero() {
        Config c = of("a", "500ms", "b", "5s", "c", "2m", "d", "1h", "e", "7d", "f", "PT1M30S", "g", "0", "h", " 3 min ");
        assertEquals(Optional.of(Duration.ofMillis(500)), c.duration("a"));
        assertEquals(Optional.of(Duration.ofSeconds(5)), c.duration("b"));
        assertEquals(Optional.of(Duration.ofMinutes(2)), c.duration("c"));
        assertEquals(Optional.of(Duration.ofHours(1)), c.duration("d"));
        assertEquals(Optional.of(Duration.ofDays(7)), c.duration("e"));
        assertEquals(Optional.of(Duration.ofSeconds(90)), c.duration("f"));
        assertEquals(Optional.of(Duration.ZERO), c.duration("g"));
        assertEquals(Optional.of(Duration.ofMinutes(3)), c.duration("h"));
        assertEquals(Optional.empty(), c.duration("missing"));
    }

    @Test
    void sizesArePowersOf1024() {
        Config c = of("a", "20MB", "b", "512KiB", "c", "1048576", "d", "1gb", "e", "64 B");
        assertEquals(Optional.of(20L * 1024 * 1024), c.size("a"));
        assertEquals(Optional.of(512L * 1024), c.size("b"));
        assertEquals(Optional.of(1048576L), c.size("c"));
        assertEquals(Optional.of(1L << 30), c.size("d"));
        assertEquals(Optional.of(64L), c.size("e"));
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndAnExample() {
        Config sink = of("sink.max-rows", "ten", "sink.max-age", "5 seconds", "sink.max-bytes", "3XB",
                "sink.native-inserts", "yes", "sink.max-error-raw-bytes", "3GB").prefix("sink");
        assertEquals("sink.max-rows: 'ten' is not a whole number; e.g. sink.max-rows=100000",
                assertThrows(IllegalArgumentException.class, () -> sink.integer("max-rows")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sink.duration("max-age")).getMessage()
                .startsWith("sink.max-age: '5 seconds' is not a duration; e.g. sink.max-age=5s"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sink.size("max-bytes")).getMessage()
                .startsWith("sink.max-bytes: '3XB' is not a size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sink.bool("native-inserts")).getMessage()
                .startsWith("sink.native-inserts: 'yes' is not true or false"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sink.intSize("max-error-raw-bytes")).getMessage()
                .startsWith("sink.max-error-raw-bytes: '3GB' is too large"));
    }

    @Test
    void enumsTakeKebabCaseAndListTheChoices() {
        Config c = of("g", "exactly-once", "h", "sometimes");
        assertEquals(Optional.of(dev.tributary.core.DeliveryGuarantee.EXACTLY_ONCE),
                c.enumValue("g", dev.tributary.core.DeliveryGuarantee.class));
        String message = assertThrows(IllegalArgumentException.class,
                () -> c.enumValue("h", dev.tributary.core.DeliveryGuarantee.class)).getMessage();
        assertEquals("h: 'sometimes' is not one of at-least-once, exactly-once; e.g. h=at-least-once", message);
    }

    @Test
    void listsAreTrimmedAndRefuseEmptyEntries() {
        Config c = of("topics", " a, b ,c", "bad", "a,,b");
        assertEquals(Optional.of(List.of("a", "b", "c")), c.list("topics"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.list("bad")).getMessage()
                .startsWith("bad: 'a,,b' has an empty entry"));
    }

    @Test
    void childrenAndGroupsAreReadByPrefix() {
        Config c = of("sink.insert-setting.insert_quorum", "2", "sink.insert-setting.a.b", "x",
                "mapper.column.login.field", "actor.login", "mapper.column.n.ested.constant", "1");
        assertEquals(Map.of("insert_quorum", "2", "a.b", "x"), c.prefix("sink").children("insert-setting"));
        assertEquals(java.util.Set.of("login", "n.ested"), c.prefix("mapper").groups("column"));
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestKnownOne() {
        Config c = of("sink.max-rows", "10", "sink.max-row", "5", "sink.tabel", "t", "sink.whatever", "x");
        Config sink = c.prefix("sink");
        sink.integer("max-rows");
        sink.string("table");
        String message = assertThrows(IllegalArgumentException.class, c::refuseUnknownKeys).getMessage();
        assertTrue(message.contains("sink.max-row (did you mean sink.max-rows?)"), message);
        assertTrue(message.contains("sink.tabel (did you mean sink.table?)"), message);
        assertTrue(message.contains("sink.whatever") && !message.contains("sink.whatever (did you mean"), message);
    }

    @Test
    void keysUnderAPrefixTakenWholeAreKnown() {
        Config c = of("source.property.fetch.min.bytes", "1", "source.type", "x");
        c.prefix("source").children("property");
        c.prefix("source").string("type");
        c.refuseUnknownKeys();
        assertTrue(c.askedKeys().contains("source.type"));
    }

    @Test
    void secretsAreMaskedInToStringAndMessages() {
        Config c = of("sink.password", "pw-s3cret", "source.sasl.password", "sasl-s3cret",
                "source.property.sasl.jaas.config", "x required password=\"jaas-s3cret\";",
                "source.property.ssl.keystore.key", "pem-s3cret", "source.secret-key", "aws-s3cret", "sink.table", "events",
                "source.session-token", "tok-s3cret");
        String text = c.toString();
        for (String secret : List.of("pw-s3cret", "sasl-s3cret", "jaas-s3cret", "pem-s3cret", "aws-s3cret", "tok-s3cret")) {
            assertFalse(text.contains(secret), text);
        }
        assertTrue(text.contains("sink.table=events") && text.contains("sink.password=****"), text);
        String message = assertThrows(IllegalArgumentException.class, () -> c.prefix("sink").integer("password")).getMessage();
        assertEquals("sink.password: (value hidden) is not a whole number; e.g. sink.password=100000", message);
    }

    @Test
    void aSecretKeepsItsBlanks() {
        Config c = of("sink.password", " pw ", "sink.user", " alice ");
        assertEquals(Optional.of(" pw "), c.string("sink.password"));
        assertEquals(Optional.of("alice"), c.string("sink.user"));
    }

    @Test
    void aBuilderRefusalGetsTheKeysThatSetIt() {
        Config sink = of("sink.max-rows", "0").prefix("sink");
        sink.integer("max-rows");
        sink.string("table");
        String message = assertThrows(IllegalArgumentException.class, () -> sink.build(() -> {
            throw new IllegalArgumentException("ClickHouseSink: maxRows must be at least 1, was 0");
        })).getMessage();
        assertEquals("ClickHouseSink: maxRows must be at least 1, was 0 (set by sink.max-rows)", message);
    }

    @Test
    void aPropertiesFileIsReadAsUtf8(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "# comment\npipeline.name = café\nsink.table=t\n");
        Config c = Config.load(file);
        assertEquals(Optional.of("café"), c.string("pipeline.name"));
        String message = assertThrows(IllegalArgumentException.class, () -> Config.load(dir.resolve("none.properties")))
                .getMessage();
        assertTrue(message.startsWith("configuration: cannot read the properties file"), message);
    }

    @Test
    void editDistanceTakesSeparatorsAsEqual() {
        assertEquals(0, Config.distance("max-rows", "max_rows"));
        assertEquals(1, Config.distance("max-row", "max-rows"));
        assertEquals("maxRows", Config.camel("max-rows"));
        assertEquals("user", Config.camel("sasl.user"));
    }
}
