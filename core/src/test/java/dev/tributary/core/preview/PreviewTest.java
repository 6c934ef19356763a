package dev.tributary.core.preview;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldPath;
import dev.tributary.core.RecordSampler;
import dev.tributary.core.RetriableException;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreviewTest {

    /** A sampler handing out given records (pure logic under test: the preview, not a source). */
    private record ListSampler(List<SourceRecord> records) implements RecordSampler {
        @Override
        public List<SourceRecord> sample(int maxRecords, Duration timeout) {
            return records.subList(0, Math.min(maxRecords, records.size()));
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            return List.of(new VirtualColumn("_split", "String", "the split"),
                    new VirtualColumn("_offset", "UInt64", "offset in the split"),
                    new VirtualColumn("_key", "String", "the key"));
        }

        @Override
        public void close() {
        }
    }

    private static TestRecord record(long offset, byte[] key, byte[] value) {
        return new TestRecord(new TestRecord.Position("events/0", offset), key, value, 1_764_348_000_123L + offset);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] BINARY = {(byte) 0xFF, 0x41, 0x42, (byte) 0xFE};

    private final List<SourceRecord> records = List.of(
            record(0, utf8("k-0"), utf8("{\"id\":7,\"kind\":\"push\",\"amount\":1.50}")),
            record(1, null, utf8("{\"id\":")),
            record(2, BINARY, BINARY),
            record(3, null, null));

    @Test
    void showsEachRecordRawDecodedAndWithItsVirtualColumns() throws InterruptedException {
        Preview preview = Preview.builder().sampler(new ListSampler(records)).decoder(JsonDecoder.create()).build();
        List<PreviewRecord> shown = preview.sample(10, Duration.ofSeconds(1));
        assertEquals(4, shown.size());

        PreviewRecord first = shown.get(0);
        assertEquals("events/0@0", first.position().toString());
        assertEquals(1_764_348_000_123L, first.timestampMillis());
        assertArrayEquals(utf8("k-0"), first.key());
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 7L);
        expected.put("kind", "push");
        expected.put("amount", new BigDecimal("1.50"));
        assertEquals(expected, first.decoded());
        assertEquals(List.of("id", "kind", "amount"), new ArrayList<>(((Map<?, ?>) first.decoded()).keySet()));
        assertNull(first.decodeError());
        assertEquals(List.of("_split", "_offset", "_key"), new ArrayList<>(first.virtualColumns().keySet()),
                "every virtual column of the sampler by default, in its order");
        assertEquals("events/0", first.virtualColumns().get("_split"));
        assertEquals(0L, first.virtualColumns().get("_offset"));

        assertNull(shown.get(1).decoded());
        assertTrue(shown.get(1).decodeError().startsWith("malformed JSON"), shown.get(1).decodeError());
        assertEquals("the record has no value (a tombstone)", shown.get(3).decodeError());
    }

    @Test
    void printsOneJsonObjectPerRecordWithBytesAsTextOrBase64() throws Exception {
        Preview preview = Preview.builder().sampler(new ListSampler(records)).decoder(JsonDecoder.create())
                .virtualColumns("_offset", "_key").build();
        StringWriter out = new StringWriter();
        PreviewJson.writeLines(preview.sample(10, Duration.ofSeconds(1)), out);
        String[] lines = out.toString().split("\n");
        assertEquals(4, lines.length);
        assertEquals("{\"position\":\"events/0@0\",\"timestamp\":\"2025-11-28T16:40:00.123Z\","
                + "\"decoded\":{\"id\":7,\"kind\":\"push\",\"amount\":1.50},"
                + "\"key\":\"k-0\",\"value\":\"{\\\"id\\\":7,\\\"kind\\\":\\\"push\\\",\\\"amount\\\":1.50}\","
                + "\"virtual_columns\":{\"_offset\":0,\"_key\":\"k-0\"}}", lines[0]);
        assertEquals("{\"position\":\"events/0@1\",\"timestamp\":\"2025-11-28T16:40:00.124Z\","
                + "\"decode_error\":\"" + preview.sample(2, Duration.ofSeconds(1)).get(1).decodeError().replace("\"", "\\\"")
                + "\",\"key\":null,\"value\":\"{\\\"id\\\":\",\"virtual_columns\":{\"_offset\":1,\"_key\":null}}", lines[1]);
        assertTrue(lines[2].contains("\"key\":{\"base64\":\"/0FC/g==\"},\"value\":{\"base64\":\"/0FC/g==\"}"), lines[2]);
        assertTrue(lines[2].contains("\"virtual_columns\":{\"_offset\":2,\"_key\":{\"base64\":\"/0FC/g==\"}}"), lines[2]);
        assertTrue(lines[2].contains("\"decode_error\":\"invalid UTF-8 at byte 0 (0xff)\""), lines[2]);
        assertTrue(lines[3].contains("\"value\":null"), lines[3]);
    }

    @Test
    void printsEveryKindOfTreeValue() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("long", 5L);
        tree.put("int", 6);
        tree.put("big", new BigInteger("123456789012345678901234567890"));
        tree.put("decimal", new BigDecimal("0.10"));
        tree.put("double", 2.5);
        tree.put("nan", Double.NaN);
        tree.put("float", 0.1f);
        tree.put("-inf", Float.NEGATIVE_INFINITY);
        tree.put("bool", true);
        tree.put("null", null);
        tree.put("text", "é\"\n");
        tree.put("bytes", utf8("abc"));
        tree.put("binary", BINARY);
        tree.put("time", Instant.parse("2026-01-02T03:04:05.678Z"));
        tree.put("uuid", UUID.fromString("6f1c0d2e-1111-4222-8333-444455556666"));
        tree.put("list", Arrays.asList(1L, null, List.of("x")));
        tree.put("map", Map.of(3L, "three"));
        PreviewRecord record = new PreviewRecord(new TestRecord.Position("s", 9), 0, null, utf8("v"), Map.of(), tree, null);
        assertEquals("{\"position\":\"s@9\",\"timestamp\":\"1970-01-01T00:00:00Z\",\"decoded\":{\"long\":5,\"int\":6,"
                + "\"big\":123456789012345678901234567890,\"decimal\":0.10,\"double\":2.5,\"nan\":\"NaN\",\"float\":0.1,\"-inf\":\"-Infinity\",\"bool\":true,"
                + "\"null\":null,\"text\":\"é\\\"\\n\",\"bytes\":\"abc\",\"binary\":{\"base64\":\"/0FC/g==\"},"
                + "\"time\":\"2026-01-02T03:04:05.678Z\",\"uuid\":\"6f1c0d2e-1111-4222-8333-444455556666\","
                + "\"list\":[1,null,[\"x\"]],\"map\":{\"3\":\"three\"}},\"key\":null,\"value\":\"v\",\"virtual_columns\":{}}",
                record.toJson());
    }

    @Test
    void aDecoderWithoutTreesOrWithoutADecoderShowsRawRecordsOnly() throws InterruptedException {
        Decoder noTree = record -> path -> "x"; // a DecodedRecord that shows no tree
        PreviewRecord shown = Preview.builder().sampler(new ListSampler(records)).decoder(noTree).build()
                .sample(1, Duration.ofSeconds(1)).get(0);
        assertNull(shown.decoded());
        assertNull(shown.decodeError());
        assertTrue(!shown.toJson().contains("decoded") && !shown.toJson().contains("decode_error"), shown.toJson());

        PreviewRecord raw = Preview.builder().sampler(new ListSampler(records)).build().sample(1, Duration.ofSeconds(1)).get(0);
        assertNull(raw.decoded());
        assertNull(raw.decodeError());
        assertArrayEquals(records.get(0).value(), raw.value());
    }

    @Test
    void aDecoderFailingOnARecordIsThatRecordsErrorButAnOutageIsThrown() {
        Decoder failing = record -> {
            throw new IllegalStateException("boom");
        };
        PreviewRecord shown = Preview.builder().sampler(new ListSampler(records)).decoder(failing).build()
                .show(records.get(0));
        assertEquals("the decoder failed: java.lang.IllegalStateException: boom", shown.decodeError());

        RetriableException outage = new RetriableException("registry down", null);
        Decoder waiting = record -> {
            throw outage;
        };
        Preview preview = Preview.builder().sampler(new ListSampler(records)).decoder(waiting).build();
        assertSame(outage, assertThrows(RetriableException.class, () -> preview.sample(1, Duration.ofSeconds(1))));

        Decoder lazyBroken = record -> new DecodedRecord() {
            @Override
            public Object field(FieldPath path) {
                return MISSING;
            }

            @Override
            public Object tree() {
                throw new dev.tributary.core.FieldDecodeException("undecodable body", null);
            }
        };
        assertEquals("undecodable body", Preview.builder().sampler(new ListSampler(records)).decoder(lazyBroken).build()
                .show(records.get(0)).decodeError());
    }

    @Test
    void refusesUnknownVirtualColumnsAndBadArguments() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Preview.builder()
                .sampler(new ListSampler(records)).virtualColumns("_offset", "_partition").build());
        assertEquals("Preview: virtual column '_partition' is not one of this source's: [_split, _offset, _key]",
                unknown.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Preview.builder().build()).getMessage()
                .contains("sampler is not set"));
        Preview preview = Preview.builder().sampler(new ListSampler(records)).build();
        assertThrows(IllegalArgumentException.class, () -> preview.sample(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> preview.sample(1, Duration.ZERO));
    }
}
