package dev.tributary.kafka.reliability;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.RawJsonRecord;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of the JSON bad-input corpus, and its good records, through the two paths of
 * DefaultSchemaMapper: records left raw by the decoder (what {@link BadInputCorpusIT}'s pipeline
 * runs) and records decoded into Java values (the path before the JSON fast path). Both must give
 * the same row bytes, or the same error kind and reason — what lands in the error table.
 */
class JsonCorpusBothPathsTest {

    private record Record(SourcePosition position, byte[] key, byte[] value, long timestampMillis) implements SourceRecord {
        @Override
        public Object virtualColumn(String name) {
            return 42L; // _offset
        }
    }

    @Test
    void everyCaseHasTheSameOutcomeOnBothPaths() throws Exception {
        TableSchema table = new TableSchema("default", "corpus", columns(JsonCorpus.TABLE_COLUMNS), ServerVersion.parse("18.16.1"),
                ZoneOffset.UTC, false);
        MappingPlan plan = DefaultSchemaMapper.create().plan(table, List.of(new VirtualColumn("_offset", "UInt64", "offset")));
        JsonDecoder raw = JsonDecoder.create();
        raw.onlyFields(plan.fieldsRead()); // as the pipeline does
        JsonDecoder decoding = JsonDecoder.create();
        decoding.onlyFields(Set.copyOf(plan.fieldsRead())); // a plain set: decoded records
        List<byte[]> values = new ArrayList<>();
        for (CorpusCase c : JsonCorpus.cases()) {
            if (c.value() == null || c.value().length <= JsonCorpus.MAX_RECORD_BYTES) { // larger: refused unread
                values.add(c.value());
            }
        }
        for (int n = 0; n < 20; n++) {
            values.add(JsonCorpus.good(n));
        }
        int rows = 0;
        int rawRecords = 0;
        for (byte[] value : values) {
            Record record = new Record(() -> "p", null, value, 0);
            String expected = outcome(plan, decoding, record);
            String actual = outcome(plan, raw, record);
            assertEquals(expected, actual, () -> value == null ? "tombstone" : abbreviated(value));
            rows += expected.startsWith("row") ? 1 : 0;
            if (value != null) {
                try {
                    rawRecords += raw.decode(record) instanceof RawJsonRecord ? 1 : 0;
                } catch (DecodeException refusedUpFront) {
                    // e.g. invalid UTF-8: refused before any reading, on both paths alike
                }
            }
        }
        assertTrue(rows >= 20, "rows: " + rows);
        assertTrue(rawRecords > values.size() / 2, "records read by the fast path: " + rawRecords);
    }

    private static String outcome(MappingPlan plan, JsonDecoder decoder, SourceRecord record) {
        DecodedRecord decoded;
        try {
            decoded = decoder.decode(record);
        } catch (DecodeException e) {
            return "DECODE " + e.getMessage();
        }
        RowBinaryOutput out = new RowBinaryOutput(256);
        try {
            plan.writeRow(decoded, record, out);
        } catch (MappingException e) {
            return e.kind() + " " + e.getMessage();
        }
        return "row " + HexFormat.of().formatHex(out.toByteArray());
    }

    private static String abbreviated(byte[] value) {
        String text = new String(value, java.nio.charset.StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    /** {@code name Type, name Type(...), ...} as table columns. */
    private static List<TableColumn> columns(String text) {
        List<TableColumn> columns = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = i == text.length() ? ',' : text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String definition = text.substring(start, i).trim();
                int space = definition.indexOf(' ');
                columns.add(new TableColumn(definition.substring(0, space), ClickHouseType.parse(definition.substring(space + 1)),
                        TableColumn.DefaultKind.NONE, ""));
                start = i + 1;
            }
        }
        return columns;
    }
}
