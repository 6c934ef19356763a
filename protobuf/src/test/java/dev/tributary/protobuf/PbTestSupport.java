package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Tables, records and decoded messages for the unit tests, without a registry. */
final class PbTestSupport {

    private PbTestSupport() {
    }

    /** The table a {@link ProtobufTableDdl} would create on a modern server (RowBinary, UTC). */
    static TableSchema table(ProtobufTableDdl ddl) {
        List<TableColumn> columns = new ArrayList<>();
        ddl.columns().forEach((name, type) -> columns.add(new TableColumn(name, type, TableColumn.DefaultKind.NONE, "")));
        return new TableSchema("default", "t", columns, ServerVersion.parse("26.5.3"), ZoneId.of("UTC"), false);
    }

    /** A body of {@code type} as the decoder hands it over (schema id 1, no framing). */
    static ProtobufRecord decoded(Descriptors.Descriptor type, byte[] body) {
        return new ProtobufRecord(body, 0, new ProtobufSchema(1, type.getFile()), type);
    }

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
}
