package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a batch counts against its byte bound, and the byte bound of error rows. */
class BatchBoundsTest {

    private static TestRecord record(int keyBytes, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        return new TestRecord(new TestRecord.Position("s0", 7), new byte[keyBytes], value, 0);
    }

    @Test
    void aBatchCountsEncodedRowsRawRecordsAndErrorRecords() {
        Batch batch = new Batch(1, 0, null, new RowBinaryOutput(64), Integer.MAX_VALUE);
        batch.data.writeLongLE(1); // 8 encoded bytes for a record of 10 KB
        batch.endRow(record(3, 10_240));
        assertEquals(8 + 3 + 10_240, batch.bytes());

        batch.addError(new ErrorRecord(0, record(0, 1_000), ErrorKind.DECODE, "bad"));
        assertEquals(8 + 3 + 10_240 + 1_000 + 2 * 3, batch.bytes());
    }

    @Test
    void longMessagesAreCutAndMarked() {
        ErrorRecord error = new ErrorRecord(0, record(1, 1), ErrorKind.MAPPING, "x".repeat(10_000));
        assertTrue(error.message().startsWith("x".repeat(ErrorRecord.MAX_MESSAGE_CHARS) + "… [message cut: 10000 characters in all]"),
                error.message());
        assertEquals("short", new ErrorRecord(0, record(1, 1), ErrorKind.MAPPING, "short").message());
    }

    @Test
    void rawBytesAreKeptWholeUpToTheLimitAndCutBeyondItWithANote() {
        TestRecord atLimit = record(2, 2_048);
        ErrorRecord whole = ErrorRecord.of(0, atLimit, ErrorKind.DECODE, "too big", 2_048);
        assertSame(atLimit, whole.origin());
        assertEquals("too big", whole.message());

        TestRecord over = record(2, 5_000);
        ErrorRecord cut = ErrorRecord.of(0, over, ErrorKind.DECODE, "x".repeat(5_000), 2_048);
        assertArrayEquals(Arrays.copyOf(over.value(), 2_048), cut.origin().value());
        assertArrayEquals(over.key(), cut.origin().key());
        assertEquals(over.position(), cut.origin().position());
        assertTrue(cut.message().length() <= ErrorRecord.MAX_MESSAGE_CHARS, "" + cut.message().length());
        assertTrue(cut.message().endsWith("[raw_value cut to its first 2048 of 5000 bytes (maxErrorRawBytes);"
                + " the whole record is at s0@7 in the source]"), cut.message());
        assertEquals(2 + 2_048 + 2L * cut.message().length(), cut.sizeInBytes());
    }

    @Test
    void checksErrorTableColumnTypesNotOnlyNames() {
        java.util.List<TableColumn> columns = new java.util.ArrayList<>();
        for (String column : ErrorTable.COLUMNS) {
            String type = column.startsWith("raw_") ? "Nullable(String)" : column.equals("time") ? "DateTime('UTC')" : "String";
            columns.add(new TableColumn(column, dev.tributary.core.types.ClickHouseType.parse(type),
                    TableColumn.DefaultKind.NONE, ""));
        }
        ErrorTable.checkColumns(columns, "db", "e");
        columns.set(0, new TableColumn("time", dev.tributary.core.types.ClickHouseType.parse("DateTime64(3)"),
                TableColumn.DefaultKind.NONE, ""));
        IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ErrorTable.checkColumns(columns, "db", "e"));
        assertTrue(error.getMessage().contains("column time has type DateTime64(3), expected DateTime"), error.getMessage());
        assertTrue(error.getMessage().contains("ALTER TABLE `db`.`e` MODIFY COLUMN `time` DateTime"), error.getMessage());
    }
}
