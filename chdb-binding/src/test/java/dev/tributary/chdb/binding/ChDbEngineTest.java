package dev.tributary.chdb.binding;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChDbEngineTest {

    @Test
    void aMissingLibraryFileIsRefusedWithHowToObtainIt() {
        Path missing = Path.of("target", "nowhere", "libchdb.so");
        ChDbLibraryNotFoundException error = assertThrows(ChDbLibraryNotFoundException.class,
                () -> ChDbEngine.open(missing, Path.of("target", "unused-chdb-data")));
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("the configured library path"), error.getMessage());
        assertTrue(error.getMessage().contains(ChDbEngine.howToObtain()), error.getMessage());
    }

    @Test
    void theInstructionNamesThePackageAndEverySetting() {
        String howTo = ChDbEngine.howToObtain();
        assertTrue(howTo.contains("@chdb/lib-linux-x64-gnu@26.5.3"), howTo);
        assertTrue(howTo.contains("TRIBUTARY_CHDB_LIB"), howTo);
        assertTrue(howTo.contains("tributary.chdb.library"), howTo);
    }

    @Test
    void theBuildsLibraryIsFoundThroughTheSystemProperty() {
        // the build points tributary.chdb.library at the installed engine (see the root pom)
        Path resolved = ChDbEngine.resolveLibrary(null);
        assertTrue(resolved.endsWith("libchdb.so"), resolved.toString());
    }

    @Test
    void pathsAreQuotedAsStringLiterals() {
        assertEquals("'/tmp/a\\'b\\\\c'", ChDbEngine.quote("/tmp/a'b\\c"));
    }
}
