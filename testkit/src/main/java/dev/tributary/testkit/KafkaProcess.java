package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the plain and the secured Kafka broker share: a single KRaft node (broker and controller in
 * one process) from the Kafka distribution that {@code scripts/setup.sh} resolves, its storage
 * formatted once, its log under the server folder.
 */
final class KafkaProcess {

    static final String KAFKA_VERSION = "4.3.1";

    private KafkaProcess() {
    }

    /** The folder of broker jars, or an error that says how to install it. */
    static Path libDir(TestkitPaths paths) {
        return paths.requireInstalled("kafka-" + KAFKA_VERSION + "/lib", "The Kafka " + KAFKA_VERSION + " broker");
    }

    /** Settings every test broker has: one node, loopback only, replication factors of 1, quick group joins. */
    static List<String> baseProperties(Path dir, int controllerPort) {
        return List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + Loopback.HOST + ":" + controllerPort,
                "controller.listener.names=CONTROLLER",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "log.retention.hours=-1",
                "log.retention.bytes=-1");
    }

    /** Writes {@code server.properties} and formats the storage, with SCRAM users if any are given. */
    static void format(TestkitPaths paths, Path dir, List<String> properties, List<String> scramCredentials) {
        Path config = dir.resolve("server.properties");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.write(config, properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        List<String> command = new ArrayList<>(java(paths));
        // "--cluster-id=<id>" in one argument: a random id may start with '-', which the tool would
        // otherwise take for an option ("argument --cluster-id/-t: expected one argument").
        command.addAll(List.of("kafka.tools.StorageTool", "format", "--cluster-id=" + newClusterId(), "-c", config.toString()));
        for (String credential : scramCredentials) {
            command.add("--add-scram");
            command.add(credential);
        }
        ManagedProcess.runToCompletion("kafka storage format", dir, "format.log", command, Duration.ofSeconds(120));
    }

    /** Starts the formatted broker and waits until it announces that it serves. */
    static ManagedProcess launch(TestkitPaths paths, String name, Path dir) {
        List<String> command = new ArrayList<>(java(paths));
        command.addAll(List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        ManagedProcess process = ManagedProcess.start(name, dir, "server.log", command, Map.of());
        process.awaitReady(Duration.ofSeconds(90), () -> process.logContains("Kafka Server started"));
        return process;
    }

    private static List<String> java(TestkitPaths paths) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseG1GC", "-Djava.awt.headless=true",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info",
                "-cp", libDir(paths) + "/*");
    }

    /** A KRaft cluster id: 16 random bytes, URL-safe Base64 without padding, as Kafka's {@code Uuid} prints one. */
    private static String newClusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
