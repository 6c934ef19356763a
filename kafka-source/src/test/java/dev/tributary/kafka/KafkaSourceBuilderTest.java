package dev.tributary.kafka;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaSourceBuilderTest {

    private static KafkaSource.Builder valid() {
        return KafkaSource.builder().bootstrapServers("127.0.0.1:9092").topics("events").groupId("g");
    }

    private static void assertNamesSetting(KafkaSource.Builder builder, String setting) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(setting), "'" + error.getMessage() + "' should name " + setting);
    }

    @Test
    void namesTheWrongSetting() {
        assertNamesSetting(KafkaSource.builder().topics("t").groupId("g"), "bootstrapServers is not set");
        assertNamesSetting(valid().bootstrapServers("host-without-port"), "bootstrapServers entry 'host-without-port'");
        assertNamesSetting(KafkaSource.builder().bootstrapServers("h:1").groupId("g"), "topics(...) or topicPattern(...)");
        assertNamesSetting(valid().topicPattern(Pattern.compile("x")), "not both");
        assertNamesSetting(valid().topics("bad topic!"), "topic 'bad topic!'");
        assertNamesSetting(KafkaSource.builder().bootstrapServers("h:1").topics("t"), "groupId is not set");
        assertNamesSetting(valid().property("enable.auto.commit", "true"), "enable.auto.commit");
        assertNamesSetting(valid().saslPlain("user", null), "needs a user and a password");
        assertNamesSetting(valid().securityProtocol("SSL").saslPlain("u", "p"), "SASL_SSL or SASL_PLAINTEXT");
        assertNamesSetting(valid().securityProtocol("TLS"), "securityProtocol must be");
        assertThrows(IllegalArgumentException.class, () -> valid().saslScram("SCRAM-SHA-1", "u", "p"));
        assertNamesSetting(valid().property("auto.offset.reset", "latest"), "startingOffsets(");
        assertNamesSetting(valid().unreachableTimeout(Duration.ofMillis(10)), "unreachableTimeout must be at least 1 s");
        assertNamesSetting(valid().unreachableTimeout(null), "unreachableTimeout");
        assertNamesSetting(valid().lagInterval(Duration.ofMillis(10)), "lagInterval must be between 100 ms and 1 h");
        assertNamesSetting(valid().lagInterval(null), "lagInterval");
    }

    @Test
    void commitsOnlyWhatTheSinkAcknowledgedAndNeverLetsTheConsumerJump() {
        for (StartingOffsets starting : List.of(StartingOffsets.EARLIEST, StartingOffsets.LATEST, StartingOffsets.timestamp(1))) {
            Map<String, String> properties = valid().startingOffsets(starting).build().describe();
            assertEquals("false", properties.get("enable.auto.commit"), starting.toString());
            // Starting positions are resolved by the source (once); an invalid offset is reported, not reset.
            assertEquals("none", properties.get("auto.offset.reset"), starting.toString());
        }
        assertEquals("none", valid().property("auto.offset.reset", "none").build().describe().get("auto.offset.reset"));
    }

    /** Every property any Kafka client (consumer, producer, admin) types PASSWORD, whatever its name. */
    private static Set<String> passwordTypedProperties() {
        Set<String> names = new TreeSet<>();
        Stream.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef())
                .flatMap(def -> def.configKeys().values().stream())
                .filter(key -> key.type == ConfigDef.Type.PASSWORD)
                .forEach(key -> names.add(key.name));
        return names;
    }

    @Test
    void everyPasswordTypedPropertyIsMaskedByItsType() {
        Set<String> passwords = passwordTypedProperties();
        assertTrue(passwords.contains("sasl.oauthbearer.client.credentials.client.secret")
                && passwords.contains("sasl.oauthbearer.assertion.private.key.passphrase") && passwords.size() >= 9, passwords.toString());
        KafkaSource.Builder builder = valid();
        for (String name : passwords) {
            builder.property(name, "SECRET-" + name);
        }
        KafkaSource source = builder.build();
        Map<String, String> described = source.describe();
        for (String name : passwords) {
            assertEquals("[hidden]", described.get(name), name);
        }
        String printed = source.toString();
        assertFalse(printed.contains("SECRET-"), printed);
        // Properties the clients do not define (a plug-in's, a registry's) are masked when named like a secret.
        Map<String, String> other = valid().property("basic.auth.user.info", "u:SECRET").property("aws.secret.access.key", "S")
                .property("custom.password", "P").property("client.rack", "eu-1a").build().describe();
        assertEquals(List.of("[hidden]", "[hidden]", "[hidden]", "eu-1a"), List.of(other.get("basic.auth.user.info"),
                other.get("aws.secret.access.key"), other.get("custom.password"), other.get("client.rack")));
        // Non-secret client properties stay readable.
        assertEquals("127.0.0.1:9092", described.get("bootstrap.servers"));
        assertEquals("g", described.get("group.id"));
    }

    @Test
    void presetsSetTheServicesSecurityAndHideTheSecrets() {
        KafkaSource confluent = KafkaPresets.confluentCloud("pkc-1.us-east-1.aws.confluent.cloud:9092", "KEY", "SECRET-1")
                .topics("t").groupId("g").build();
        Map<String, String> c = confluent.describe();
        assertEquals("SASL_SSL", c.get("security.protocol"));
        assertEquals("PLAIN", c.get("sasl.mechanism"));
        assertEquals("[hidden]", c.get("sasl.jaas.config"));
        assertFalse(confluent.toString().contains("SECRET-1"));

        String connection = "Endpoint=sb://my-ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=KEY-2";
        KafkaSource hubs = KafkaPresets.azureEventHubs(connection).topics("hub").groupId("g").build();
        assertEquals("my-ns.servicebus.windows.net:9093", hubs.describe().get("bootstrap.servers"));
        assertEquals("SASL_SSL", hubs.describe().get("security.protocol"));
        assertFalse(hubs.toString().contains("KEY-2"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> KafkaPresets.azureEventHubs("SharedAccessKey=KEY-3"));
        assertFalse(bad.getMessage().contains("KEY-3"), "the connection string is not echoed");

        Map<String, String> msk = KafkaPresets.mskScram("b-1.msk.amazonaws.com:9096", "u", "p").topics("t").groupId("g").build().describe();
        assertEquals("SCRAM-SHA-512", msk.get("sasl.mechanism"));
        assertEquals("SASL_SSL", msk.get("security.protocol"));

        Map<String, String> iam = KafkaPresets.mskIam("b-1.msk.amazonaws.com:9098").topics("t").groupId("g").build().describe();
        assertEquals("AWS_MSK_IAM", iam.get("sasl.mechanism"));
        assertEquals("software.amazon.msk.auth.iam.IAMClientCallbackHandler", iam.get("sasl.client.callback.handler.class"));

        Map<String, String> redpanda = KafkaPresets.redpanda("seed.redpanda.com:9092", "SCRAM-SHA-256", "u", "p")
                .topics("t").groupId("g").build().describe();
        assertEquals("SCRAM-SHA-256", redpanda.get("sasl.mechanism"));

        Map<String, String> warp = KafkaPresets.warpStream("warp:9092", "us-east-1a").topics("t").groupId("g").build().describe();
        assertEquals("tributary,ws_az=us-east-1a", warp.get("client.id"));
    }

    @Test
    void exactlyOnceCommitsRefuseInconsistentArgumentsBeforeTouchingTheBrokers() {
        KafkaSource source = valid().build();
        assertTrue(source.supportsExactlyOnce());
        dev.tributary.core.PendingRange pending = new dev.tributary.core.PendingRange(new KafkaPosition("events", 0, 10),
                new KafkaPosition("events", 0, 19), 1);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> source.commit(
                List.of(new KafkaPosition("events", 0, 1), new KafkaPosition("events", 0, 2)), Map.of()));
        assertTrue(twice.getMessage().contains("two positions to commit for split events/0"), twice.getMessage());
        IllegalArgumentException overlapping = assertThrows(IllegalArgumentException.class, () -> source.commit(
                List.of(new KafkaPosition("events", 0, 10)), Map.of("events/0", List.of(pending))));
        assertTrue(overlapping.getMessage().contains("events/0@10 is not before the first pending range"), overlapping.getMessage());
        IllegalArgumentException elsewhere = assertThrows(IllegalArgumentException.class, () -> source.commit(
                List.of(), Map.of("events/1", List.of(pending))));
        assertTrue(elsewhere.getMessage().contains("not of Kafka partition events/1"), elsewhere.getMessage());
        assertEquals(List.of(), source.pendingRanges("events/0"), "nothing assigned, nothing pending");
    }
}
