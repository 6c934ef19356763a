package dev.tributary.kafka;

import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure parts of the Kafka lag: how positions and end readings make a lag, and the Admin's properties. */
class KafkaLagTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration STALE = KafkaLag.staleAfter(Duration.ofSeconds(2));
    private static final TopicPartition P0 = new TopicPartition("events", 0);
    private static final TopicPartition P1 = new TopicPartition("events", 1);
    private static final TopicPartition P2 = new TopicPartition("events", 2);

    private static SourceLag view(Instant now, KafkaLag.Positions positions, Map<TopicPartition, KafkaLag.End> ends,
                                  boolean closed) {
        return KafkaLag.view(now, positions, ends, closed, STALE, "events", "g", positions.assignedOnce());
    }

    private static KafkaLag.Positions assigned(Map<TopicPartition, Long> next) {
        return new KafkaLag.Positions(true, false, next);
    }

    @Test
    void eachPartitionIsItsEndMinusTheNextOffsetSortedByPartitionAndTheTotalIsTheirSum() {
        SourceLag lag = view(T0.plusSeconds(1), assigned(Map.of(P2, 30L, P0, 0L, P1, 5L)),
                Map.of(P0, KafkaLag.End.read(10, T0), P1, KafkaLag.End.read(25, T0), P2, KafkaLag.End.read(60, T0)), false);
        assertEquals(SourceLag.Unit.RECORDS, lag.unit());
        assertEquals(List.of(SplitLag.known("events/0", 10, T0), SplitLag.known("events/1", 20, T0),
                SplitLag.known("events/2", 30, T0)), lag.splits());
        assertEquals(60, lag.total().getAsLong());
    }

    @Test
    void aPositionPastAnOlderReadingOfTheEndIsNothingBehindNotNegative() {
        SourceLag lag = view(T0, assigned(Map.of(P0, 12L)), Map.of(P0, KafkaLag.End.read(10, T0)), false);
        assertEquals(0, lag.total().getAsLong());
    }

    @Test
    void aFailedReadingIsUnknownWithTheTimeOfTheLastGoodOneAndTheReasonNeverTheOldValue() {
        KafkaLag.End good = KafkaLag.End.read(50, T0);
        KafkaLag.End failed = KafkaLag.End.failed(good, "no broker answered listOffsets within 5 s");
        KafkaLag.End failedAgain = KafkaLag.End.failed(failed, "still no answer");
        SourceLag lag = view(T0.plusSeconds(30), assigned(Map.of(P0, 10L, P1, 0L)),
                Map.of(P0, failedAgain, P1, KafkaLag.End.read(0, T0.plusSeconds(29))), false);
        SplitLag p0 = lag.splits().get(0);
        assertFalse(p0.isKnown());
        assertEquals(-1, p0.behind());
        assertEquals(T0, p0.lastReading(), "the last GOOD reading, through two failures");
        assertEquals("still no answer", p0.unknownBecause());
        assertTrue(lag.splits().get(1).isKnown());
        assertTrue(lag.total().isEmpty(), "a total that leaves out a partition would understate the lag");
        assertFalse(lag.isKnown());
    }

    @Test
    void aPartitionThatNeverHadAGoodReadingHasNoLastReading() {
        SplitLag lag = view(T0, assigned(Map.of(P0, 0L)), Map.of(P0, KafkaLag.End.failed(null, "refused")), false)
                .splits().get(0);
        assertFalse(lag.isKnown());
        assertNull(lag.lastReading());
        SplitLag notYet = view(T0, assigned(Map.of(P0, 0L)), Map.of(), false).splits().get(0);
        assertFalse(notYet.isKnown());
        assertNull(notYet.lastReading());
    }

    @Test
    void aReadingOlderThanAWorkingReaderLeavesItIsUnknown() {
        Map<TopicPartition, KafkaLag.End> ends = Map.of(P0, KafkaLag.End.read(10, T0));
        assertTrue(view(T0.plus(STALE), assigned(Map.of(P0, 10L)), ends, false).isKnown());
        SplitLag stale = view(T0.plus(STALE).plusMillis(1), assigned(Map.of(P0, 10L)), ends, false).splits().get(0);
        assertFalse(stale.isKnown());
        assertEquals(T0, stale.lastReading());
        assertTrue(stale.unknownBecause().startsWith("no reading of its end offset for"), stale.unknownBecause());
    }

    @Test
    void aPartitionWithNoPositionYetIsUnknown() {
        SplitLag lag = view(T0, assigned(Map.of(P0, -1L)), Map.of(P0, KafkaLag.End.read(10, T0)), false).splits().get(0);
        assertFalse(lag.isKnown());
        assertEquals(T0, lag.lastReading());
    }

    @Test
    void beforeAnyAssignmentAndDuringARebalanceTheLagIsUnknownNotZero() {
        SourceLag joining = view(T0, KafkaLag.Positions.NONE, Map.of(), false);
        assertEquals(1, joining.splits().size());
        assertEquals("events", joining.splits().get(0).split());
        assertEquals("no partition assigned to this source yet (group g is being joined)",
                joining.splits().get(0).unknownBecause());
        assertTrue(joining.total().isEmpty());
        SourceLag firstAsked = KafkaLag.view(T0, KafkaLag.Positions.NONE, Map.of(), false, STALE, "events", "g", true);
        assertEquals("the lag was first asked for just now: its first reading is under way",
                firstAsked.splits().get(0).unknownBecause());
        assertTrue(firstAsked.total().isEmpty());

        KafkaLag.Positions rebalancing = new KafkaLag.Positions(true, true, Map.of(P1, 10L));
        SourceLag lag = view(T0, rebalancing, Map.of(P1, KafkaLag.End.read(10, T0)), false);
        assertEquals(2, lag.splits().size());
        assertTrue(lag.splits().get(0).unknownBecause().contains("rebalancing"), lag.toString());
        assertTrue(lag.splits().get(1).isKnown(), "the partitions kept still show their lag");
        assertTrue(lag.total().isEmpty());
    }

    @Test
    void aMemberTheGroupGaveNoPartitionIsKnownAndNothingBehind() {
        SourceLag lag = view(T0, assigned(Map.of()), Map.of(), false);
        assertTrue(lag.isKnown());
        assertEquals(0, lag.total().getAsLong());
    }

    @Test
    void aClosedSourceHasNoKnownLag() {
        SourceLag lag = view(T0, assigned(Map.of(P0, 10L)), Map.of(P0, KafkaLag.End.read(10, T0)), true);
        assertFalse(lag.isKnown());
        assertEquals("the source is closed", lag.splits().get(0).unknownBecause());
        assertEquals(T0, lag.splits().get(0).lastReading());
        assertFalse(view(T0, KafkaLag.Positions.NONE, Map.of(), true).isKnown());
    }

    @Test
    void theAdminTalksToTheSameBrokersWithTheSameSecurityAndNoConsumerOnlyProperty(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n");
        Path cert = Files.writeString(dir.resolve("client.pem"), "-----BEGIN CERTIFICATE-----\nC\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("client.key"), "-----BEGIN PRIVATE KEY-----\nK\n-----END PRIVATE KEY-----\n");
        Properties consumer = KafkaSource.builder().bootstrapServers("b-1:9096").topics("t").groupId("g")
                .saslScram("SCRAM-SHA-512", "user", "s3cret").trustedCertificates(ca).clientCertificate(cert, key)
                .clientId("app").property("isolation.level", "read_committed").property("plugin.custom.option", "x")
                .build().consumerProperties();
        Properties admin = KafkaSource.adminProperties(consumer);
        for (String same : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.type", "ssl.truststore.certificates", "ssl.keystore.type", "ssl.keystore.certificate.chain",
                "ssl.keystore.key", "plugin.custom.option")) {
            assertEquals(consumer.getProperty(same), admin.getProperty(same), same);
        }
        assertEquals("app-lag", admin.getProperty("client.id"));
        for (String consumerOnly : List.of("group.id", "enable.auto.commit", "auto.offset.reset", "max.poll.records",
                "isolation.level")) {
            assertNull(admin.getProperty(consumerOnly), consumerOnly);
        }
        assertEquals("read_committed", KafkaLag.isolationLevel(consumer));

        Properties iam = KafkaSource.adminProperties(KafkaPresets.mskIam("b-1.msk.amazonaws.com:9098").topics("t")
                .groupId("g").build().consumerProperties());
        assertEquals("AWS_MSK_IAM", iam.getProperty("sasl.mechanism"));
        assertEquals("software.amazon.msk.auth.iam.IAMClientCallbackHandler", iam.getProperty("sasl.client.callback.handler.class"));
        assertEquals(KafkaPresets.mskIam("b-1.msk.amazonaws.com:9098").topics("t").groupId("g").build().consumerProperties()
                .getProperty("sasl.jaas.config"), iam.getProperty("sasl.jaas.config"));

        // WarpStream reads the zone from the client id: the Admin is served in the same zone.
        Properties warp = KafkaSource.adminProperties(KafkaPresets.warpStream("warp:9092", "us-east-1a").topics("t")
                .groupId("g").build().consumerProperties());
        assertEquals("tributary-lag,ws_az=us-east-1a", warp.getProperty("client.id"));
    }
}
