/**
 * Optional: a pipeline's metrics in Micrometer ({@link dev.tributary.micrometer.TributaryMetrics}), for any
 * registry Micrometer reaches (Prometheus, Datadog, JMX...). Core does not depend on Micrometer.
 */
package dev.tributary.micrometer;
