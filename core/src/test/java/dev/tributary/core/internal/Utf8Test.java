package dev.tributary.core.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8Test {

    private static int check(String hex) {
        return Utf8.firstInvalidByte(HexFormat.of().parseHex(hex));
    }

    @Test
    void acceptsWellFormedText() {
        assertEquals(-1, Utf8.firstInvalidByte("plain ascii, Grüße, 日本語, 😀 and U+10FFFF \udbff\udfff"
                .getBytes(StandardCharsets.UTF_8)));
        assertEquals(-1, check(""));
        assertEquals(-1, check("efbbbf7b7d"), "a byte-order mark is well-formed");
    }

    @Test
    void recognisesUtf16And32ForJacksonToDecode() {
        assertEquals(true, Utf8.isUtf16Or32(HexFormat.of().parseHex("fffe7b00")));
        assertEquals(true, Utf8.isUtf16Or32(HexFormat.of().parseHex("7b002200")));
        assertEquals(false, Utf8.isUtf16Or32("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(false, Utf8.isUtf16Or32(HexFormat.of().parseHex("efbbbf7b")), "the UTF-8 byte-order mark");
    }

    @Test
    void findsTheFirstMalformedByte() {
        assertEquals(1, check("41c0af"), "overlong '/'");
        assertEquals(0, check("c1bf"), "overlong");
        assertEquals(2, check("41e080af"), "overlong three-byte form: its second byte");
        assertEquals(2, check("41f08080af"), "overlong four-byte form: its second byte");
        assertEquals(0, check("f5808080"), "beyond U+10FFFF");
        assertEquals(1, check("f4908080"), "beyond U+10FFFF");
        assertEquals(1, check("eda080"), "a UTF-16 surrogate");
        assertEquals(0, check("80"), "a stray continuation byte");
        assertEquals(0, check("e282"), "truncated: the sequence that is cut short");
        assertEquals(2, check("e28241"), "a missing continuation byte");
        assertEquals(0, check("ff"), "never in UTF-8");
    }
}
