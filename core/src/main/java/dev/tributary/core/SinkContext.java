package dev.tributary.core;

import dev.tributary.core.table.TableSchema;
import dev.tributary.core.metrics.MetricsRecorder;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** What a pipeline hands its sink when it opens it. */
public interface SinkContext {

    /** The pipeline's name, written to the error table and used in query ids. */
    String pipelineName();

    /**
     * Where the sink reports inserts (rows, bytes, latency), retries and error records: the pipeline's
     * counters and listeners. {@link MetricsRecorder#NONE} for a sink opened outside a pipeline.
     */
    MetricsRecorder metrics();

    /**
     * What the pipeline promises (default {@link DeliveryGuarantee#AT_LEAST_ONCE}). Under
     * {@link DeliveryGuarantee#EXACTLY_ONCE} the sink checks at {@code open} that its tables deduplicate
     * inserts, and refuses to open, naming the setting to change, where they do not.
     */
    default DeliveryGuarantee deliveryGuarantee() {
        return DeliveryGuarantee.AT_LEAST_ONCE;
    }

    /**
     * How the sink can keep the source's records as bytes while their batch waits to be durable
     * ({@link Source#recordCodec()}), or null: then it keeps the records themselves.
     */
    default RecordCodec recordCodec() {
        return null;
    }

    /**
     * Encodes {@code records} again, as rows of {@code table}, into {@code target}: for a sink whose
     * table changed after the records were encoded (a column dropped, renamed or retyped). Decoders
     * and mapping plans belong to the pipeline's thread, so the work is done there; the future
     * completes when every record was handed to the target (as a row or as an error), and fails when
     * the records cannot be encoded for the table now (e.g. the mapping names a column that was
     * dropped, or the decoder's dependency is down: {@link RetriableException}).
     */
    default CompletableFuture<Void> reencode(TableSchema table, List<SourceRecord> records, RowTarget target) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this sink context cannot encode records again after a change of the table " + table.qualifiedName()));
    }
}
