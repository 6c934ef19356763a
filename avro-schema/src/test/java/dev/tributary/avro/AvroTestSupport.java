package dev.tributary.avro;

import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Avro messages, records and tables for the tests, with no Confluent jar: byte 0, the id, the body. */
final class AvroTestSupport {

    static final GenericData MODEL = AvroValues.model();

    private AvroTestSupport() {
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    /** The Avro binary of {@code datum} (logical types given as java.time, BigDecimal, UUID values). */
    static byte[] body(Schema schema, Object datum) {
        return write(schema, datum, false);
    }

    /** As {@link #body}, with arrays and maps written in several blocks that carry their byte size. */
    static byte[] blockedBody(Schema schema, Object datum) {
        return write(schema, datum, true);
    }

    private static byte[] write(Schema schema, Object datum, boolean blocked) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncoderFactory factory = new EncoderFactory().configureBlockSize(64);
        BinaryEncoder encoder = blocked ? factory.blockingBinaryEncoder(bytes, null) : factory.binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<>(schema, MODEL).write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A message in the Confluent wire format. */
    static byte[] confluent(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    static byte[] confluent(int schemaId, Schema schema, Object datum) {
        return confluent(schemaId, body(schema, datum));
    }

    /** A decoded message as AvroConfluentDecoder would hand it over, without a registry. */
    static AvroRecord decoded(int schemaId, Schema writer, byte[] body) {
        return new AvroRecord(confluent(schemaId, body), 5, new ResolvedSchema(schemaId, writer, null));
    }

    static GenericData.Record record(Schema schema, Map<String, ?> fields) {
        GenericData.Record record = new GenericData.Record(schema);
        fields.forEach(record::put);
        return record;
    }

    /** A table of these columns ({@code name type} pairs) on a modern server, RowBinary, UTC. */
    static TableSchema table(String... namesAndTypes) {
        return table(false, namesAndTypes);
    }

    static TableSchema table(boolean withDefaults, String... namesAndTypes) {
        List<TableColumn> columns = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.add(new TableColumn(namesAndTypes[i], ClickHouseType.parse(namesAndTypes[i + 1]), TableColumn.DefaultKind.NONE, ""));
        }
        return new TableSchema("default", "t", columns, ServerVersion.parse("26.5.3"), ZoneId.of("UTC"), withDefaults);
    }

    /** The table an {@link AvroTableDdl} would create. */
    static TableSchema table(AvroTableDdl ddl) {
        List<TableColumn> columns = new ArrayList<>();
        ddl.columns().forEach((name, type) -> columns.add(new TableColumn(name, type, TableColumn.DefaultKind.NONE, "")));
        return new TableSchema("default", "t", columns, ServerVersion.parse("26.5.3"), ZoneId.of("UTC"), false);
    }

    /** A record read from nowhere in particular. */
    static SourceRecord sourceRecord(byte[] value) {
        return new SourceRecord() {
            @Override
            public SourcePosition position() {
                return () -> "test/0";
            }

            @Override
            public byte[] key() {
                return null;
            }

            @Override
            public byte[] value() {
                return value;
            }

            @Override
            public long timestampMillis() {
                return 0;
            }

            @Override
            public Object virtualColumn(String name) {
                throw new IllegalArgumentException("no virtual column " + name);
            }
        };
    }

    /** Waits for a condition the test cannot be told about directly, polling it. */
    static void await(String what, java.time.Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
