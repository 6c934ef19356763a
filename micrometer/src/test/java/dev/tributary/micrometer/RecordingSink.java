package dev.tributary.micrometer;

import dev.tributary.core.BatchingSink;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A sink for unit tests of the binder: a table of one UInt64 column {@code id}; every flush lands at once and
 * counts what it wrote in the pipeline's metrics, as the ClickHouse sink does (one insert per flush, the rows'
 * bytes, each error record by kind).
 */
final class RecordingSink implements BatchingSink {

    /** How long every insert takes, as reported. */
    static final long INSERT_NANOS = 2_000_000;

    private final int maxRows;
    private final List<byte[]> rows = new ArrayList<>();
    private final List<ErrorKind> errors = new ArrayList<>();
    private SinkContext context;

    RecordingSink(int maxRows) {
        this.maxRows = maxRows;
    }

    @Override
    public TableSchema open(SinkContext context) {
        this.context = context;
        return new TableSchema("default", "t", List.of(new TableColumn("id", ClickHouseType.parse("UInt64"),
                TableColumn.DefaultKind.NONE, "")), ServerVersion.parse("26.5.3"), ZoneOffset.UTC, false);
    }

    @Override
    public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput(16);
        rowWriter.write(out);
        rows.add(out.toByteArray());
    }

    @Override
    public void appendError(SourceRecord origin, ErrorKind kind, String message) {
        errors.add(kind);
    }

    @Override
    public boolean isFlushDue() {
        return rows.size() + errors.size() >= maxRows;
    }

    @Override
    public boolean isEmpty() {
        return rows.isEmpty() && errors.isEmpty();
    }

    @Override
    public boolean canFlush() {
        return true;
    }

    @Override
    public CompletableFuture<Void> flush() {
        if (!rows.isEmpty()) {
            long bytes = rows.stream().mapToLong(row -> row.length).sum();
            context.metrics().batchInserted("default.t", rows.size(), bytes, INSERT_NANOS);
        }
        for (ErrorKind kind : ErrorKind.values()) {
            long count = errors.stream().filter(kind::equals).count();
            if (count > 0) {
                context.metrics().errorsRecorded(kind, count);
            }
        }
        rows.clear();
        errors.clear();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }
}
