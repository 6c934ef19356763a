package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TextValues} predicts the encoders: what it reads as a date-time or UUID, they accept; what it refuses, they refuse. */
class TextValuesTest {

    private static final List<String> TEXTS = List.of("2024-01-31", "2024-01-31 12:00", "2024-01-31T12:00:00",
            "2024-01-31t12:00:00.123456789123", "2024-01-31 12:00:00.5+01:00", "2024-01-31T12:00:00Z", "2024-01-31 12:00:00 -0530",
            "2024-02-30", "2024-01-31 24:00:00", "2024-01-31T12:00:00.", "2024-1-31", "31/01/2024", "2024-01-31 12:00:00+19",
            "yesterday", "");

    private static boolean accepts(String type, Object value) {
        try {
            ColumnEncoders.forType(ClickHouseType.parse(type), ZoneOffset.UTC).encode(value, new RowBinaryOutput());
            return true;
        } catch (ValueConversionException e) {
            return false;
        }
    }

    @Test
    void dateTimeTextIsWhatTheDateTime64EncoderAccepts() {
        for (String text : TEXTS) {
            assertEquals(accepts("DateTime64(9)", text), TextValues.dateTime(text) != null, text);
        }
        // Epoch digits are accepted by the encoder but not read as a date here.
        assertTrue(accepts("DateTime64(9)", "1700000000"));
        assertNull(TextValues.dateTime("1700000000"));
    }

    @Test
    void aReadingGivesTheTimeTheFractionDigitsAndTheInstant() {
        TextValues.DateTimeReading date = TextValues.dateTime("2024-01-31");
        assertFalse(date.hasTime());
        assertEquals(1_706_659_200L, date.epochSecond());
        TextValues.DateTimeReading offset = TextValues.dateTime("2024-01-31T12:00:00.1234+01:00");
        assertTrue(offset.hasTime());
        assertTrue(offset.hasOffset());
        assertEquals(4, offset.fractionDigits());
        assertEquals(1_706_659_200L + 11 * 3600, offset.epochSecond());
        TextValues.DateTimeReading local = TextValues.dateTime("2024-01-31 12:00");
        assertNotNull(local);
        assertFalse(local.hasOffset());
        assertEquals(0, local.fractionDigits());
        assertEquals(1_706_659_200L + 12 * 3600, local.epochSecond());
    }

    @Test
    void canonicalUuidTextIsWhatTheUuidEncoderAcceptsInThatForm() {
        for (String text : List.of("123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000",
                "123e4567-e89b-12d3-a456-42661417400g", "123e4567+e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-4266141740")) {
            assertEquals(accepts("UUID", text), TextValues.isCanonicalUuid(text), text);
        }
        assertFalse(TextValues.isCanonicalUuid("123e4567e89b12d3a456426614174000")); // accepted by the encoder, but as often a hash
    }
}
