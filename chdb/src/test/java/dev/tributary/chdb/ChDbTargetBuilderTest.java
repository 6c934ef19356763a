package dev.tributary.chdb;

import dev.tributary.chdb.binding.ChDbLibraryNotFoundException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChDbTarget}'s builder: settings checked at build, without connecting. */
class ChDbTargetBuilderTest {

    @Test
    void aMissingDataPathFailsAtBuildNamingTheSetting() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ChDbTarget.builder().build());
        assertTrue(error.getMessage().contains("dataPath is required"), error.getMessage());
    }

    @Test
    void aDatabaseThatIsNoPlainNameFailsAtBuildNamingTheSetting() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ChDbTarget.builder().dataPath(TestEngine.DATA_PATH).database("a`; DROP").build());
        assertTrue(error.getMessage().startsWith("database must be a plain name"), error.getMessage());
    }

    @Test
    void aMissingLibraryFailsAtBuildWithHowToObtainIt() {
        Path missing = Path.of("target", "no-such-dir", "libchdb.so");
        ChDbLibraryNotFoundException error = assertThrows(ChDbLibraryNotFoundException.class,
                () -> ChDbTarget.builder().dataPath(TestEngine.DATA_PATH).libraryPath(missing).build());
        assertTrue(error.getMessage().contains(missing.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("TRIBUTARY_CHDB_LIB"), error.getMessage());
        assertTrue(error.getMessage().contains("@chdb/lib-linux-x64-gnu@26.5.3"), error.getMessage());
        assertTrue(error.getMessage().contains("tributary.chdb.library"), error.getMessage());
        assertTrue(error.getMessage().contains("docs/chdb.md"), error.getMessage());
    }

    @Test
    void defaultsToTheDefaultDatabaseAndDescribesItsDataPath() {
        ChDbTarget target = ChDbTarget.builder().dataPath(Path.of("target", "x", "..", "somewhere")).build();
        Path expected = Path.of("target", "somewhere").toAbsolutePath();
        assertEquals("default", target.database());
        assertEquals(expected, target.dataPath());
        assertEquals("embedded chDB 26.5.3 at " + expected, target.describe());
        assertTrue(target.toString().contains(expected.toString()), target.toString());
    }
}
