package dev.tributary.core.internal.nativeformat;

import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.rowbinary.ConformanceCases;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The RowBinary conformance cases as the Native suites use them, and helpers shared by those suites. */
final class NativeCases {

    private NativeCases() {
    }

    /** Every RowBinary conformance case whose type is written as Native (all but JSON, which stays RowBinary). */
    static List<ConformanceCases.Case> all() {
        return ConformanceCases.all().stream()
                .filter(c -> NativeBlockWriter.supports(ClickHouseType.parse(c.type())))
                .toList();
    }

    /** The cases grouped by column type and encoder zone, in catalogue order. */
    static Map<String, List<ConformanceCases.Case>> byType() {
        Map<String, List<ConformanceCases.Case>> byType = new LinkedHashMap<>();
        for (ConformanceCases.Case c : all()) {
            byType.computeIfAbsent(c.type() + " @ " + c.zone(), key -> new ArrayList<>()).add(c);
        }
        return byType;
    }

    /** The RowBinary encoding of {@code c}'s value by the encoders. */
    static byte[] rowBinary(ConformanceCases.Case c) throws ValueConversionException {
        RowBinaryOutput out = new RowBinaryOutput(64);
        ColumnEncoders.forType(ClickHouseType.parse(c.type()), c.zone()).encode(c.value(), out);
        return out.toByteArray();
    }

    /** Rows {@code (id UInt32, v <type>)} of the cases' values, id = the case's index. */
    static byte[] idValueRows(List<ConformanceCases.Case> cases) throws ValueConversionException {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse(cases.get(0).type()), cases.get(0).zone());
        RowBinaryOutput rows = new RowBinaryOutput();
        for (int id = 0; id < cases.size(); id++) {
            rows.writeIntLE(id);
            encoder.encode(cases.get(id).value(), rows);
        }
        return rows.toByteArray();
    }

    /** The block the writer makes of {@code rowCount} rows. */
    static byte[] block(NativeBlockWriter writer, byte[] rows, int rowCount) {
        RowBinaryOutput out = new RowBinaryOutput(64);
        out.writeByte(0x5A); // a byte before the block: the writer must append, not overwrite
        if (!writer.write(rows, 0, rows.length, rowCount, out)) {
            throw new AssertionError("the writer refused the block");
        }
        byte[] written = out.toByteArray();
        if (written[0] != 0x5A) {
            throw new AssertionError("the writer overwrote what was before the block");
        }
        return java.util.Arrays.copyOfRange(written, 1, written.length);
    }

    /** The type text of the first column of a Native block (what the engine names its column's type). */
    static String firstColumnType(byte[] block) {
        int[] pos = {0};
        varint(block, pos); // columns
        varint(block, pos); // rows
        int nameLength = (int) varint(block, pos);
        pos[0] += nameLength;
        int typeLength = (int) varint(block, pos);
        return new String(block, pos[0], typeLength, StandardCharsets.UTF_8);
    }

    private static long varint(byte[] bytes, int[] pos) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = bytes[pos[0]++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
