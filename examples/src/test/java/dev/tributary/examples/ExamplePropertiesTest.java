package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example properties file builds a pipeline (every key known, every value accepted); building connects to nothing. */
class ExamplePropertiesTest {

    @Test
    void theExampleFileBuildsAPipeline() {
        Config config = Config.load(Path.of("src", "main", "resources", "pipeline.properties"));
        try (Pipeline pipeline = PipelineConfig.build(config)) {
            assertEquals("github-events", pipeline.name());
        }
        assertTrue(config.toString().contains("sink.password=****"), config.toString());
    }
}
