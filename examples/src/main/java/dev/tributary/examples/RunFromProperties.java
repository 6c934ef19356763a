package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the pipeline a properties file describes (every key: docs/configuration.md) until it fails or
 * the process is interrupted, printing its counters every ten seconds.
 *
 * <pre>
 * java dev.tributary.examples.RunFromProperties examples/src/main/resources/pipeline.properties
 * </pre>
 */
public final class RunFromProperties {

    private RunFromProperties() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: RunFromProperties <file.properties>");
            System.exit(2);
        }
        Config config = Config.load(Path.of(args[0]));
        System.out.println("configuration: " + config); // secrets masked
        Pipeline pipeline = PipelineConfig.build(config);
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "run-from-properties-shutdown"));
        pipeline.start();
        while (!pipeline.awaitTermination(Duration.ofSeconds(10))) {
            System.out.println(pipeline.name() + ": " + pipeline.metrics().summary());
        }
        if (pipeline.failure() != null) {
            throw new IllegalStateException("pipeline " + pipeline.name() + " failed", pipeline.failure());
        }
    }
}
