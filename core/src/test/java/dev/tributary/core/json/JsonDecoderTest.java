package dev.tributary.core.json;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldPath;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonDecoderTest {

    private final JsonDecoder decoder = JsonDecoder.create();

    private DecodedRecord decode(String json) throws DecodeException {
        return decoder.decode(record(json == null ? null : json.getBytes(StandardCharsets.UTF_8)));
    }

    private static TestRecord record(byte[] value) {
        return new TestRecord(new TestRecord.Position("s0", 0), null, value, 0);
    }

    @Test
    void readsFieldsOfEveryJsonKind() throws DecodeException {
        DecodedRecord record = decode("{\"s\":\"text\",\"i\":42,\"big\":123456789012345678901234567890,"
                + "\"f\":1.50,\"t\":true,\"n\":null,\"a\":[1,\"x\"],\"o\":{\"k\":\"v\"}}");
        assertEquals("text", record.field(FieldPath.of("s")));
        assertEquals(42L, record.field(FieldPath.of("i")));
        assertEquals(new BigInteger("123456789012345678901234567890"), record.field(FieldPath.of("big")));
        assertEquals(new BigDecimal("1.50"), record.field(FieldPath.of("f")), "exact, scale kept");
        assertEquals(Boolean.TRUE, record.field(FieldPath.of("t")));
        assertNull(record.field(FieldPath.of("n")));
        assertEquals(List.of(1L, "x"), record.field(FieldPath.of("a")));
        assertEquals(Map.of("k", "v"), record.field(FieldPath.of("o")));
    }

    @Test
    void addressesNestedFieldsByPath() throws DecodeException {
        DecodedRecord record = decode("{\"actor\":{\"login\":\"octo\",\"id\":7},\"repo\":\"r\"}");
        assertEquals("octo", record.field(FieldPath.parse("actor.login")));
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.parse("actor.missing")));
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.parse("repo.name")), "path through a non-object");
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.of("nope")));
    }

    @Test
    void distinguishesMissingFromNull() throws DecodeException {
        DecodedRecord record = decode("{\"present\":null}");
        assertNull(record.field(FieldPath.of("present")));
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.of("absent")));
    }

    @Test
    void refusesWhatIsNotOneJsonObject() {
        assertReason(null, "tombstone");
        assertReason("", "empty message");
        assertReason("  ", "blank message");
        assertReason("[1]", "found an array");
        assertReason("{\"a\":1} {\"b\":2}", "after the JSON object");
        assertReason("{\"a\":1,\"a\":2}", "Duplicate field 'a'");
        assertReason("{\"a\":NaN}", "malformed JSON");
        assertReason("{\"a\":", "malformed JSON");
        assertReason("{\"a\":" + "[".repeat(150) + "]".repeat(150) + "}", "nesting depth");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'};
        DecodeException error = assertThrows(DecodeException.class, () -> decoder.decode(record(bytes)));
        assertTrue(error.getMessage().toLowerCase().contains("utf-8"), error.getMessage());
    }

    @Test
    void withAProjectionKeepsOnlyTheFieldsReadAndStillRefusesBadJson() throws DecodeException {
        JsonDecoder projected = JsonDecoder.create();
        projected.onlyFields(java.util.Set.of(FieldPath.parse("actor.login"), FieldPath.of("id")));
        DecodedRecord record = projected.decode(record("{\"id\":1,\"big\":{\"x\":[1,2,3]},\"actor\":{\"login\":\"o\"}}"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(1L, record.field(FieldPath.of("id")));
        assertEquals("o", record.field(FieldPath.parse("actor.login")));
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.of("big")), "not read, not kept");
        assertSame(DecodedRecord.MISSING, projected.decode(record("{}".getBytes(StandardCharsets.UTF_8))).field(FieldPath.of("id")));
        assertThrows(DecodeException.class, () -> projected.decode(record("{\"id\":1,\"skipped\":[1,}".getBytes(StandardCharsets.UTF_8))));
        DecodeException duplicate = assertThrows(DecodeException.class,
                () -> projected.decode(record("{\"id\":1,\"id\":2}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(duplicate.getMessage().contains("Duplicate field 'id'"), duplicate.getMessage());
    }

    @Test
    void theDeepestNestingAllowedDecodesOnASmallStackAndOneLevelMoreIsRefused() throws Exception {
        // The pipeline thread has the default stack; 512 KiB is half of it. The deepest nesting a
        // decoder can be configured for must decode there (interpreted frames included), not overflow.
        JsonDecoder deepest = JsonDecoder.builder().maxNestingDepth(1000).build();
        String ok = "{\"a\":" + "[".repeat(999) + "]".repeat(999) + "}";
        String tooDeep = "{\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
        Object[] outcome = new Object[2];
        Thread small = new Thread(null, () -> {
            try {
                outcome[0] = deepest.decode(record(ok.getBytes(StandardCharsets.UTF_8))).field(FieldPath.of("a"));
            } catch (Throwable e) {
                outcome[0] = e;
            }
            try {
                outcome[1] = deepest.decode(record(tooDeep.getBytes(StandardCharsets.UTF_8)));
            } catch (Throwable e) {
                outcome[1] = e;
            }
        }, "small-stack", 512 * 1024);
        small.start();
        small.join();
        assertTrue(outcome[0] instanceof java.util.List<?>, "999 levels decode: " + outcome[0]);
        assertTrue(outcome[1] instanceof DecodeException e && e.getMessage().contains("nesting depth"), String.valueOf(outcome[1]));
    }

    @Test
    void refusesLongNumbersWhateverTheirShapeAndKeepsHugeExponentsCheap() throws DecodeException {
        assertReason("{\"a\":" + "9".repeat(1001) + "}", "Number value length");
        assertReason("{\"a\":0." + "0".repeat(200_000) + "1}", "Number value length");
        assertReason("{\"a\":1." + "5".repeat(200_000) + "e7}", "Number value length");
        // An exponent within the int range is kept as it is: a BigDecimal of one digit, never expanded.
        Object huge = decode("{\"a\":1e999999999}").field(FieldPath.of("a"));
        assertEquals(new java.math.BigDecimal("1e999999999"), huge);
        assertEquals(-999_999_999, ((java.math.BigDecimal) huge).scale());
    }

    @Test
    void validatesItsSettings() {
        IllegalArgumentException tooDeep = assertThrows(IllegalArgumentException.class,
                () -> JsonDecoder.builder().maxNestingDepth(1001).build());
        assertTrue(tooDeep.getMessage().contains("maxNestingDepth must be 1..1000"), tooDeep.getMessage());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> JsonDecoder.builder().maxNestingDepth(0).build());
        assertTrue(error.getMessage().contains("maxNestingDepth"), error.getMessage());
    }

    private void assertReason(String json, String fragment) {
        DecodeException error = assertThrows(DecodeException.class, () -> decode(json));
        assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should contain '" + fragment + "'");
    }

    @Test
    void toldByAPlanThatReadsBytesTheDecoderLeavesRecordsRawAndTheyStillAnswerByPath() throws DecodeException {
        JsonDecoder raw = JsonDecoder.create();
        raw.onlyFields(new RawJsonFields(java.util.Set.of(FieldPath.parse("actor.login"), FieldPath.of("n"))));
        DecodedRecord record = raw.decode(record("{\"n\":12345678901234567890,\"actor\":{\"login\":\"x\"}}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(record instanceof RawJsonRecord, "raw: " + record);
        assertEquals("x", record.field(FieldPath.parse("actor.login")));
        assertEquals(new BigInteger("12345678901234567890"), record.field(FieldPath.of("n")));
        assertSame(DecodedRecord.MISSING, record.field(FieldPath.of("other")));

        // Broken bytes surface on first use, with the decoder's own reason, as a DECODE failure.
        DecodedRecord broken = raw.decode(record("{\"n\":1,\"n\":2}".getBytes(StandardCharsets.UTF_8)));
        dev.tributary.core.FieldDecodeException e = assertThrows(dev.tributary.core.FieldDecodeException.class,
                () -> broken.field(FieldPath.of("n")));
        assertTrue(e.getMessage().contains("Duplicate field 'n'"), e.getMessage());
    }

    @Test
    void anyOtherCallerOfOnlyFieldsGetsDecodedRecordsFromThenOn() throws DecodeException {
        JsonDecoder decoder = JsonDecoder.create();
        decoder.onlyFields(new RawJsonFields(java.util.Set.of(FieldPath.of("n"))));
        decoder.onlyFields(java.util.Set.of(FieldPath.of("m"))); // e.g. another mapper sharing the decoder
        decoder.onlyFields(new RawJsonFields(java.util.Set.of(FieldPath.of("k"))));
        DecodedRecord record = decoder.decode(record("{\"n\":1}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(!(record instanceof RawJsonRecord), "decoded: " + record);
        assertEquals(1L, record.field(FieldPath.of("n")));
        assertThrows(DecodeException.class, () -> decoder.decode(record("{\"n\":1,\"n\":2}".getBytes(StandardCharsets.UTF_8))));
    }
}
