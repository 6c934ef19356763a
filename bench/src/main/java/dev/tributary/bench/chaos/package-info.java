/**
 * The chaos run ({@code scripts/chaos.sh}): {@link dev.tributary.bench.chaos.ChaosMain} injects faults into
 * a pipeline ({@link dev.tributary.bench.chaos.ChaosPipeline}, in its own JVM) that reads Kafka into
 * ClickHouse, and checks that no message is lost. {@link dev.tributary.bench.chaos.StallingProxy} holds
 * ClickHouse's responses back to simulate a stalled server.
 */
package dev.tributary.bench.chaos;
