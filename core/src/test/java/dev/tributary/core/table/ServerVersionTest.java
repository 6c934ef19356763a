package dev.tributary.core.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerVersionTest {

    @Test
    void parsesTheVersionsServersReport() {
        assertEquals(new ServerVersion(18, 16, 1, "18.16.1"), ServerVersion.parse("18.16.1"));
        assertEquals(24, ServerVersion.parse("24.8.4.13").major());
        assertEquals(3, ServerVersion.parse("25.3.1.2-cloud").minor());
        assertThrows(IllegalArgumentException.class, () -> ServerVersion.parse("unknown"));
    }

    @Test
    void gatesFeaturesByVersion() {
        ServerVersion old = ServerVersion.parse("18.16.1");
        ServerVersion modern = ServerVersion.parse("24.8.4.13");
        assertFalse(old.supportsRowBinaryWithDefaults());
        assertFalse(old.supportsInsertDeduplicationToken());
        assertTrue(modern.supportsRowBinaryWithDefaults());
        assertTrue(modern.supportsInsertDeduplicationToken());
        assertTrue(ServerVersion.parse("23.2.1").supportsRowBinaryWithDefaults());
        assertFalse(ServerVersion.parse("23.1.9").supportsRowBinaryWithDefaults());
        assertFalse(old.supportsNativeNullAsDefault());
        assertFalse(ServerVersion.parse("23.2.7").supportsNativeNullAsDefault());
        assertTrue(ServerVersion.parse("23.3.1").supportsNativeNullAsDefault());
    }
}
