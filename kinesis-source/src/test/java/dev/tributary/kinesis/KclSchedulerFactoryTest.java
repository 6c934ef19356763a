package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.leases.LeaseAssignmentStrategy;
import software.amazon.kinesis.leases.LeaseManagementConfig;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings the lease-based source gives the Kinesis Client Library (no server: nothing is called). */
class KclSchedulerFactoryTest {

    private static LeaseManagementConfig leases(Duration failoverTime) {
        return leases(LeaseKinesisSource.builder().failoverTime(failoverTime));
    }

    private static LeaseManagementConfig leases(LeaseKinesisSource.Builder builder) {
        LeaseKinesisSource source = builder.streamName("events").region("us-east-1")
                .endpointOverride("http://127.0.0.1:4568").dynamoDbEndpointOverride("http://127.0.0.1:8000")
                .credentials(KinesisCredentials.staticKeys("id", "secret"))
                .build();
        try (KclSchedulerFactory kcl = KclSchedulerFactory.create(source.config)) {
            return kcl.leaseManagement(kcl.configs("events-app", "worker-1", () -> null));
        }
    }

    /**
     * KCL's leader counts an instance alive, and may give it leases, until its worker-metrics entry is
     * two reports old: with KCL's default (a report every 30 s) a dead or stopped instance kept being
     * given leases for up to a minute, each coming back only after failoverTime (the lease chaos run:
     * 51 s before no lease was left with a SIGKILLed instance, failoverTime 2 s).
     */
    @Test
    void aGoneInstanceCountsAsDeadWithinFailoverTime() {
        for (Duration failover : new Duration[] {Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMinutes(1)}) {
            LeaseManagementConfig leases = leases(failover);
            long deadAfter = 2 * leases.workerUtilizationAwareAssignmentConfig().workerMetricsReporterFreqInMillis();
            assertTrue(deadAfter <= failover.toMillis(), "failoverTime " + failover + ": counted alive for " + deadAfter + " ms");
            assertEquals(failover.toMillis(), leases.failoverTimeMillis());
        }
    }

    /** Leases are spread by count unless throughput is asked for: a joining instance gets its share of a quiet stream. */
    @Test
    void leasesAreBalancedByCountUnlessThroughputIsAskedFor() {
        assertEquals(LeaseAssignmentStrategy.LEASE_COUNT_BASED, leases(LeaseKinesisSource.builder()).leaseAssignmentStrategy());
        assertEquals(LeaseAssignmentStrategy.WORKER_UTILIZATION_AWARE, leases(LeaseKinesisSource.builder()
                .balancing(LeaseKinesisSource.Balancing.THROUGHPUT)).leaseAssignmentStrategy());
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> leases(LeaseKinesisSource.builder().balancing(null)));
        assertTrue(refused.getMessage().contains("balancing"), refused.getMessage());
    }
}
