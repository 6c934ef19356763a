package dev.tributary.testkit;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClickHouseSqlTest {

    @Test
    void undoesTabSeparatedEscapes() {
        assertEquals("a\tb\nc\\d'e", ClickHouseSql.unescape("a\\tb\\nc\\\\d\\'e"));
        assertEquals("\0", ClickHouseSql.unescape("\\0"));
        assertNull(ClickHouseSql.unescape("\\N"));
        assertEquals("plain", ClickHouseSql.unescape("plain"));
    }

    @Test
    void refusesServersOffLoopback() {
        assertThrows(IllegalArgumentException.class,
                () -> Loopback.requireLoopback(URI.create("http://10.1.2.3:8123"), "TEST"));
        assertThrows(IllegalArgumentException.class,
                () -> Loopback.requireLoopbackHostPort("127.0.0.1:9092,192.168.1.1:9092", "TEST"));
        assertEquals(URI.create("http://127.0.0.1:8123"),
                Loopback.requireLoopback(URI.create("http://127.0.0.1:8123"), "TEST"));
    }
}
