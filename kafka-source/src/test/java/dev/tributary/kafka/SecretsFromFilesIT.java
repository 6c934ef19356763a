package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.SecuredKafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipeline from a properties file that holds no secret: the SCRAM password of a secured broker comes from a
 * mounted secret file ({@code ${file:...}}, written as Kubernetes writes one: with a trailing line break), the
 * user from the environment's fallback ({@code ${env:...:-...}}).
 */
@ExtendWith(TestServers.class)
class SecretsFromFilesIT {

    /** Unset in any sane environment, so that the reference's fallback is taken. */
    private static final String UNSET = "TRIBUTARY_SECRETS_IT_NEVER_SET";

    private static Path pipelineFile(Path dir, SecuredKafkaBroker kafka, ClickHouseServer clickhouse, String topic,
                                     String table, Path passwordFile) throws Exception {
        return Files.writeString(dir.resolve("pipeline.properties"), String.join("\n",
                "pipeline.name=secrets-from-files",
                "pipeline.metrics-log-interval=0",
                "source.type=kafka",
                "source.bootstrap-servers=" + kafka.saslSslBootstrapServers(),
                "source.topics=" + topic,
                "source.group-id=group-" + topic,
                "source.starting-offsets=earliest",
                "source.sasl.mechanism=SCRAM-SHA-512",
                "source.sasl.user=${env:" + UNSET + ":-" + kafka.user() + "}",
                "source.sasl.password=${file:" + passwordFile + "}",
                "source.trusted-certificates=" + kafka.certificates().caPem(),
                "decoder.type=json",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + table,
                "sink.max-age=300ms",
                ""));
    }

    @Test
    void thePasswordFromASecretFileAuthenticatesAndRecordsLand(SecuredKafkaBroker kafka, ClickHouseServer clickhouse,
                                                               @TempDir Path dir) throws Exception {
        assertEquals(null, System.getenv(UNSET), UNSET + " must be unset for this test");
        String topic = "secret-file-" + System.nanoTime();
        String table = "secret_file_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.setupClientProperties(), topic, 2);
        KafkaTestData.produce(kafka.setupClientProperties(), topic, 0, 1_000);
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), kafka.password() + "\n");
        Path file = pipelineFile(dir, kafka, clickhouse, topic, table, passwordFile);
        assertFalse(Files.readString(file).contains(kafka.password()), "the file holds no secret");

        String shown = Config.load(file).toString();
        assertTrue(shown.contains("source.sasl.password=****")
                && shown.contains("source.sasl.user=${env:" + UNSET + ":-" + kafka.user() + "}"), shown);
        assertFalse(shown.contains(kafka.password()), shown);
        try (Pipeline pipeline = PipelineConfig.fromFile(file)) {
            pipeline.start();
            await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);
        }
        assertEquals(1_000, sql.longValue("SELECT uniqExact(id) FROM " + table));
    }

    @Test
    void aWrongPasswordInTheFileIsRefusedByTheBrokerAndAMissingFileBeforeAnythingConnects(
            SecuredKafkaBroker kafka, ClickHouseServer clickhouse, @TempDir Path dir) throws Exception {
        String table = "secret_file_wrong_" + System.nanoTime();
        clickhouse.sql().execute("CREATE TABLE " + table + " (id UInt64) ENGINE = MergeTree ORDER BY id");
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), "not-the-password-123\n");
        Path file = pipelineFile(dir, kafka, clickhouse, "anything", table, passwordFile);

        try (Pipeline pipeline = PipelineConfig.fromFile(file)) {
            pipeline.start();
            PipelineException failure = assertThrows(PipelineException.class,
                    () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
            assertTrue(failure.getMessage().contains("refused the credentials"), failure.getMessage());
            assertFalse(failure.getMessage().contains("not-the-password-123"), failure.getMessage());
        }

        Files.delete(passwordFile);
        assertEquals("source.sasl.password: cannot read ${file:" + passwordFile + "}: NoSuchFileException",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromFile(file)).getMessage());
    }
}
