package dev.tributary.chdb;

import dev.tributary.chdb.binding.ChDbLibraryNotFoundException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChDbTransportBuilderTest {

    @Test
    void aMissingLibraryFailsAtBuildWithHowToObtainIt() {
        Path missing = Path.of("target", "no-such-dir", "libchdb.so");
        ChDbLibraryNotFoundException error = assertThrows(ChDbLibraryNotFoundException.class,
                () -> ChDbTransport.builder().libraryPath(missing).dataPath(TestEngine.DATA_PATH).build());
        String message = error.getMessage();
        assertTrue(message.contains(missing.toString()), message);
        assertTrue(message.contains("@chdb/lib-linux-x64-gnu@26.5.3"), message);
        assertTrue(message.contains("TRIBUTARY_CHDB_LIB"), message);
        assertTrue(message.contains("tributary.chdb.library"), message);
        assertTrue(message.contains("docs/chdb.md"), message);
    }

    @Test
    void aMissingDataPathFailsAtBuildNamingTheSetting() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ChDbTransport.builder().build());
        assertTrue(error.getMessage().contains("dataPath"), error.getMessage());
    }
}
