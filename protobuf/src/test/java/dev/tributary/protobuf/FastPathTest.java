package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast path writes the same row bytes as the slow path (DynamicMessage under DefaultSchemaMapper) for any order. */
class FastPathTest {

    private static final Descriptors.Descriptor ORDER = Protos.order();
    private static final ProtobufTableDdl DDL = ProtobufTableDdl.builder().message(ORDER).table("t").build();
    private static final MappingPlan FAST = ProtobufSchemaMapper.create().plan(PbTestSupport.table(DDL), List.of());
    private static final MappingPlan SLOW = DefaultSchemaMapper.create().plan(PbTestSupport.table(DDL), List.of());

    private static byte[] row(MappingPlan plan, byte[] body) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput(256);
        plan.writeRow(PbTestSupport.decoded(ORDER, body), PbTestSupport.sourceRecord(body), out);
        return out.toByteArray();
    }

    @Test
    void fullEmptyAndPartialOrdersGiveTheSameRowOnBothPaths() throws MappingException {
        Random random = new Random(16);
        DynamicMessage full = Protos.fullOrder(ORDER, 1);
        for (int n = 0; n < 200; n++) {
            DynamicMessage.Builder partial = DynamicMessage.newBuilder(ORDER);
            for (Descriptors.FieldDescriptor field : ORDER.getFields()) {
                if (random.nextBoolean()) {
                    partial.setField(field, full.getField(field));
                }
            }
            byte[] body = partial.build().toByteArray();
            assertArrayEquals(row(SLOW, body), row(FAST, body), () -> "message " + partial);
        }
    }

    @Test
    void aSingularFieldGivenTwiceTakesTheLastValueAndAMessageGivenTwiceIsMerged() throws MappingException {
        Descriptors.Descriptor money = ORDER.findFieldByName("total").getMessageType();
        byte[] first = Protos.message(ORDER, Map.of("name", "first", "total", Protos.message(money, Map.of("currency", "EUR")))).toByteArray();
        byte[] second = Protos.message(ORDER, Map.of("name", "second", "total", Protos.message(money, Map.of("units", 5L)))).toByteArray();
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        byte[] expected = row(FAST, Protos.message(ORDER, Map.of("name", "second", "total", Protos.message(money,
                Map.of("currency", "EUR", "units", 5L)))).toByteArray());
        assertArrayEquals(expected, row(FAST, both));
        assertArrayEquals(expected, row(SLOW, both));
    }

    @Test
    void unpackedRepeatedNumbersReadAsPackedOnes() throws MappingException {
        // Field 17 (nums) written unpacked: tag 17<<3|0 = 136 1, then each value.
        byte[] unpacked = {(byte) 136, 1, 1, (byte) 136, 1, 2};
        byte[] packed = Protos.message(ORDER, Map.of("nums", List.of(1, 2))).toByteArray();
        assertArrayEquals(row(FAST, packed), row(FAST, unpacked));
    }

    @Test
    void aProto3StringThatIsNotUtf8IsADecodeErrorOnBothPathsAndBytesAreNot() throws MappingException {
        // C3 28: a two-byte lead followed by an ASCII byte. Field 14 (name, string), field 18 (tags, repeated string).
        byte[] name = {114, 2, (byte) 0xC3, 0x28};
        byte[] tag = {(byte) 146, 1, 2, (byte) 0xC3, 0x28};
        for (byte[] body : List.of(name, tag)) {
            for (MappingPlan plan : List.of(FAST, SLOW)) {
                MappingException e = assertThrows(MappingException.class, () -> row(plan, body));
                assertEquals(ErrorKind.DECODE, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
            }
        }
        // A bytes field carries any bytes: only strings promise UTF-8.
        Descriptors.FieldDescriptor bytesField = ORDER.getFields().stream()
                .filter(f -> f.getType() == Descriptors.FieldDescriptor.Type.BYTES && !f.isRepeated()).findFirst().orElseThrow();
        byte[] binary = Protos.message(ORDER, Map.of(bytesField.getName(),
                com.google.protobuf.ByteString.copyFrom(new byte[]{(byte) 0xC3, 0x28}))).toByteArray();
        assertArrayEquals(row(SLOW, binary), row(FAST, binary));
    }

    @Test
    void aTimestampBeyondItsRangeIsADecodeErrorOnBothPaths() throws MappingException {
        // Found by ProtobufDecodeMapFuzzTest: seconds beyond Instant's range escaped as a DateTimeException.
        Descriptors.Descriptor timestamp = ORDER.findFieldByName("at").getMessageType();
        for (long seconds : new long[]{Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_800L, -62_135_596_801L}) {
            byte[] body = Protos.message(ORDER, Map.of("at", Protos.message(timestamp, Map.of("seconds", seconds)))).toByteArray();
            for (MappingPlan plan : List.of(FAST, SLOW)) {
                MappingException e = assertThrows(MappingException.class, () -> row(plan, body), () -> seconds + " s");
                assertEquals(ErrorKind.DECODE, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("outside 0001-01-01..9999-12-31"), e.getMessage());
            }
        }
        byte[] last = Protos.message(ORDER, Map.of("at", Protos.message(timestamp, Map.of("seconds", 253_402_300_799L))))
                .toByteArray();
        // The last second the type allows is a value: beyond DateTime64(9)'s range, a MAPPING error alike on both paths.
        MappingException fast = assertThrows(MappingException.class, () -> row(FAST, last));
        MappingException slow = assertThrows(MappingException.class, () -> row(SLOW, last));
        assertEquals(ErrorKind.MAPPING, fast.kind(), fast.getMessage());
        assertTrue(fast.getMessage().startsWith(slow.getMessage()), fast.getMessage()); // the fast path adds where the field is
    }

    @Test
    void aTruncatedBodyIsADecodeErrorNamingTheMessageType() {
        byte[] body = Protos.fullOrder(ORDER, 1).toByteArray();
        MappingException e = assertThrows(MappingException.class, () -> row(FAST, Arrays.copyOf(body, body.length - 3)));
        assertEquals(ErrorKind.DECODE, e.kind());
        assertTrue(e.getMessage().contains("the Protobuf body is malformed (shop.Order"), e.getMessage());
    }

    @Test
    void aOneofAsVariantTakesTheMemberSetLastOnBothPaths() throws MappingException {
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(ORDER).table("t").serverVersion("26.5").oneofsAsVariant(true).build();
        assertEquals("Variant(Int64, String)", ddl.columns().get("choice").toString());
        MappingPlan fast = ProtobufSchemaMapper.create().plan(PbTestSupport.table(ddl), List.of());
        MappingPlan slow = DefaultSchemaMapper.create().plan(PbTestSupport.table(ddl), List.of());
        byte[] text = Protos.message(ORDER, Map.of("id", 1L, "text", "t")).toByteArray();
        byte[] number = Protos.message(ORDER, Map.of("id", 1L, "number", 5L)).toByteArray();
        byte[] none = Protos.message(ORDER, Map.of("id", 1L)).toByteArray();
        byte[] textThenNumber = Arrays.copyOf(text, text.length + number.length);
        System.arraycopy(number, 0, textThenNumber, text.length, number.length);
        for (byte[] body : List.of(text, number, none, textThenNumber)) {
            assertArrayEquals(row(slow, body), row(fast, body));
        }
        assertArrayEquals(row(fast, number), row(fast, textThenNumber), "the member set last wins");
    }
}
