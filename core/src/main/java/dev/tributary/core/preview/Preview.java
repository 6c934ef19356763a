package dev.tributary.core.preview;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.RecordSampler;
import dev.tributary.core.RetriableException;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Checks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A look at a stream before choosing a table: a few records read by a source's
 * {@link RecordSampler} (which joins no group, commits nothing and writes no checkpoint), each shown
 * raw, decoded by a {@link Decoder} as a tree, and with its virtual columns.
 *
 * <pre>{@code
 * try (RecordSampler sampler = KafkaSource.builder().bootstrapServers("localhost:9092").topics("events")
 *         .buildSampler(SampleStart.LATEST)) {
 *     Preview preview = Preview.builder().sampler(sampler).decoder(JsonDecoder.create())
 *             .virtualColumns("_partition", "_offset", "_timestamp").build();
 *     PreviewJson.writeLines(preview.sample(10, Duration.ofSeconds(10)), new PrintWriter(System.out));
 * }
 * }</pre>
 *
 * A record that does not decode is shown with the reason the error table would get. The preview
 * neither opens nor closes the sampler and the decoder: they are the caller's.
 */
public final class Preview {

    private final RecordSampler sampler;
    private final Decoder decoder;
    private final List<String> virtualColumns;

    private Preview(RecordSampler sampler, Decoder decoder, List<String> virtualColumns) {
        this.sampler = sampler;
        this.decoder = decoder;
        this.virtualColumns = virtualColumns;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Samples up to {@code maxRecords} records (within {@code timeout}, as
     * {@link RecordSampler#sample} does) and shows each one.
     *
     * @throws RetriableException when something the decoder needs is unavailable (a registry down):
     *                            that is not the records' fault
     */
    public List<PreviewRecord> sample(int maxRecords, Duration timeout) throws InterruptedException {
        Checks.requireAtLeast("Preview", maxRecords, 1, "maxRecords");
        Checks.requirePositive("Preview", timeout, "timeout");
        List<SourceRecord> records = sampler.sample(maxRecords, timeout);
        List<PreviewRecord> shown = new ArrayList<>(records.size());
        for (SourceRecord record : records) {
            shown.add(show(record));
        }
        return shown;
    }

    /** One record as the preview shows it. */
    public PreviewRecord show(SourceRecord record) {
        Map<String, Object> columns = new LinkedHashMap<>();
        for (String name : virtualColumns) {
            columns.put(name, record.virtualColumn(name));
        }
        Object tree = null;
        String error = null;
        if (decoder != null) {
            try {
                DecodedRecord decoded = decoder.decode(record);
                if (decoded == null) {
                    error = "the decoder returned no record";
                } else {
                    tree = decoded.tree();
                }
            } catch (DecodeException | FieldDecodeException e) {
                error = e.getMessage();
            } catch (RetriableException e) {
                throw e;
            } catch (RuntimeException | StackOverflowError e) {
                // As in a pipeline, a decoder failing on one record is that record's error, not the preview's.
                error = "the decoder failed: " + e;
            }
        }
        return new PreviewRecord(record.position(), record.timestampMillis(), record.key(), record.value(),
                java.util.Collections.unmodifiableMap(columns), tree, error);
    }

    /** The virtual columns each record shows, in order. */
    public List<String> virtualColumns() {
        return virtualColumns;
    }

    /** Settings of a {@link Preview}. */
    public static final class Builder {
        private RecordSampler sampler;
        private Decoder decoder;
        private List<String> virtualColumns;

        private Builder() {
        }

        /** Where records come from: a source's sampler. Required. */
        public Builder sampler(RecordSampler sampler) {
            this.sampler = sampler;
            return this;
        }

        /** How values are decoded; without one, records are shown raw only. */
        public Builder decoder(Decoder decoder) {
            this.decoder = decoder;
            return this;
        }

        /** The virtual columns to show, in this order (default: every one the sampler's records carry). */
        public Builder virtualColumns(String... names) {
            this.virtualColumns = List.copyOf(Arrays.asList(names));
            return this;
        }

        public Preview build() {
            if (sampler == null) {
                throw new IllegalArgumentException("Preview: sampler is not set; call sampler(...) with a source's sampler"
                        + " (e.g. KafkaSource.builder()...buildSampler(SampleStart.EARLIEST))");
            }
            List<String> offered = sampler.virtualColumns().stream().map(VirtualColumn::name).toList();
            List<String> chosen = virtualColumns == null ? offered : virtualColumns;
            for (String name : chosen) {
                if (!offered.contains(Objects.requireNonNull(name, "Preview: a virtual column name is null"))) {
                    throw new IllegalArgumentException("Preview: virtual column '" + name + "' is not one of this source's: "
                            + offered);
                }
            }
            return new Preview(sampler, decoder, chosen);
        }
    }
}
