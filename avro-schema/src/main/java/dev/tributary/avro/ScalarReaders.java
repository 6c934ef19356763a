package dev.tributary.avro;

import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.ValueConversionException;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The readers of Avro scalars. Where the Avro value already is the column's binary form (int into
 * Int32, string into String, timestamp-millis into DateTime64(3), ...) it is written directly, with
 * a range check where the column is narrower; everything else goes through the column's encoder as
 * one Java value (a {@link Source}), which applies the conversion rules and names the problem.
 */
final class ScalarReaders {

    /** 10^0 .. 10^18. */
    private static final long[] POWERS_OF_TEN = powersOfTen(19);
    private static final long DATE_MAX_DAY = 65_535;
    private static final long DATE32_MIN_DAY = LocalDate.of(1900, 1, 1).toEpochDay();
    private static final long DATE32_MAX_DAY = LocalDate.of(2299, 12, 31).toEpochDay();
    /** DateTime64 holds 1900-01-01 .. 2299-12-31 local time; a day less on each side is safe in any zone. */
    private static final long SAFE_MIN_SECOND = LocalDate.of(1900, 1, 2).toEpochDay() * 86_400;
    private static final long SAFE_MAX_SECOND = LocalDate.of(2299, 12, 30).toEpochDay() * 86_400;
    /** DateTime64(9) also ends where Int64 nanoseconds end, in 2262. */
    private static final long SAFE_MAX_SECOND_NANOS = LocalDate.of(2262, 4, 10).toEpochDay() * 86_400;

    private ScalarReaders() {
    }

    /** Reads one Avro value as a Java value for a column encoder (a leaf value, not a tree). */
    @FunctionalInterface
    interface Source {
        Object read(AvroInput in);
    }

    /** The value as Java, converted and written by the column's encoder. */
    static ValueReader converting(Source source, ColumnEncoder encoder) {
        return (in, out) -> encoder.encode(source.read(in), out);
    }

    // ---- sources -------------------------------------------------------------------------------

    static final Source INT = in -> in.readInt();
    static final Source LONG = in -> in.readLong();
    static final Source FLOAT = in -> in.readFloat();
    static final Source DOUBLE = in -> in.readDouble();
    static final Source BOOLEAN = in -> in.readBoolean();
    static final Source STRING = in -> {
        int length = in.readLength();
        String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
        in.skip(length);
        return text;
    };
    static final Source BYTES = in -> copy(in, in.readLength());
    static final Source DATE = in -> LocalDate.ofEpochDay(in.readInt());
    static final Source DATE_TEXT = in -> LocalDate.ofEpochDay(in.readInt()).toString();

    static Source fixed(int size) {
        return in -> copy(in, size);
    }

    /** A timestamp-millis/micros/nanos long ({@code precision} 3, 6 or 9) as an Instant. */
    static Source instant(int precision) {
        long perSecond = POWERS_OF_TEN[precision];
        long nanosPerUnit = POWERS_OF_TEN[9 - precision];
        return in -> {
            long value = in.readLong();
            return Instant.ofEpochSecond(Math.floorDiv(value, perSecond), Math.floorMod(value, perSecond) * nanosPerUnit);
        };
    }

    /** A timestamp as ISO-8601 text in UTC, for String columns. */
    static Source instantText(int precision) {
        Source instant = instant(precision);
        return in -> instant.read(in).toString();
    }

    /** An Avro decimal (big-endian two's complement unscaled value) of {@code size} bytes, or of bytes when size < 0. */
    static Source decimal(int size, int scale) {
        return in -> {
            int length = size < 0 ? in.readLength() : size;
            byte[] unscaled = copy(in, length);
            return length == 0 ? BigDecimal.valueOf(0, scale) : new BigDecimal(new BigInteger(unscaled), scale);
        };
    }

    /** Avro 1.12's big-decimal: bytes that carry the unscaled value and the scale. */
    static Source bigDecimal(Schema schema) {
        Conversions.BigDecimalConversion conversion = new Conversions.BigDecimalConversion();
        return in -> {
            byte[] bytes = copy(in, in.readLength());
            try {
                return conversion.fromBytes(ByteBuffer.wrap(bytes), schema, schema.getLogicalType());
            } catch (RuntimeException e) {
                throw in.malformed("a big-decimal does not decode (" + e.getMessage() + ")");
            }
        };
    }

    /** A uuid on fixed(16), as a UUID (for String columns: its canonical text). */
    static final Source UUID_FROM_FIXED = in -> {
        long high = bigEndianLong(in);
        long low = bigEndianLong(in);
        return new UUID(high, low);
    };

    // ---- direct writers ------------------------------------------------------------------------

    /**
     * An Avro int or long into an integer column of at most 64 bits: written directly when in
     * range; otherwise the encoder raises the range error.
     */
    static ValueReader integer(boolean avroInt, SimpleType column, ColumnEncoder encoder) {
        int bits = column.bits();
        long min = column.isSigned() ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0;
        long max = bits == 64 ? Long.MAX_VALUE : column.isSigned() ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        return switch (bits) {
            case 8 -> (in, out) -> out.writeByte((int) checked(avroInt, in, out, min, max, encoder));
            case 16 -> (in, out) -> out.writeShortLE((int) checked(avroInt, in, out, min, max, encoder));
            case 32 -> avroInt && column.isSigned() ? (in, out) -> out.writeIntLE(in.readInt())
                    : (in, out) -> out.writeIntLE((int) checked(avroInt, in, out, min, max, encoder));
            default -> column.isSigned() ? (avroInt ? (in, out) -> out.writeLongLE(in.readInt()) : (in, out) -> out.writeLongLE(in.readLong()))
                    : (in, out) -> out.writeLongLE(checked(avroInt, in, out, min, max, encoder));
        };
    }

    private static long checked(boolean avroInt, AvroInput in, RowBinaryOutput out, long min, long max, ColumnEncoder encoder)
            throws ValueConversionException {
        long value = avroInt ? in.readInt() : in.readLong();
        if (value < min || value > max) {
            encoder.encode(value, out); // out of range: the encoder raises the error that names the range
        }
        return value;
    }

    static final ValueReader FLOAT_TO_FLOAT32 = (in, out) -> out.writeIntLE(Float.floatToRawIntBits(in.readFloat()));
    static final ValueReader FLOAT_TO_FLOAT64 = (in, out) -> out.writeLongLE(Double.doubleToRawLongBits(in.readFloat()));
    static final ValueReader DOUBLE_TO_FLOAT64 = (in, out) -> out.writeLongLE(Double.doubleToRawLongBits(in.readDouble()));
    static final ValueReader BOOLEAN_TO_BYTE = (in, out) -> out.writeByte(in.readBoolean() ? 1 : 0);

    /** A string or bytes value into a String column: the bytes as they are. */
    static final ValueReader BYTES_TO_STRING = (in, out) -> {
        int length = in.readLength();
        out.writeVarUInt(length);
        out.writeBytes(in.array(), in.position(), length);
        in.skip(length);
    };

    /** A fixed value into a String column. */
    static ValueReader fixedToString(int size) {
        return (in, out) -> {
            out.writeVarUInt(size);
            out.writeBytes(in.array(), in.position(), size);
            in.skip(size);
        };
    }

    /** A fixed value into a FixedString at least as long: the bytes, padded with zero bytes. */
    static ValueReader fixedToFixedString(int size, int length) {
        return (in, out) -> {
            in.skip(size); // checks the bytes are there
            out.writeBytes(in.array(), in.position() - size, size);
            out.writeRepeated(0, length - size);
        };
    }

    /** A uuid on fixed(16) into a UUID column: ClickHouse writes the high and the low half, each little-endian. */
    static final ValueReader FIXED_TO_UUID = (in, out) -> {
        long high = bigEndianLong(in);
        long low = bigEndianLong(in);
        out.writeLongLE(high);
        out.writeLongLE(low);
    };

    /** An Avro date (days since 1970-01-01) into Date or Date32; out of range, the encoder raises the error. */
    static ValueReader date(boolean date32, ColumnEncoder encoder) {
        long min = date32 ? DATE32_MIN_DAY : 0;
        long max = date32 ? DATE32_MAX_DAY : DATE_MAX_DAY;
        return (in, out) -> {
            int day = in.readInt();
            if (day < min || day > max) {
                encoder.encode(day, out);
            } else if (date32) {
                out.writeIntLE(day);
            } else {
                out.writeShortLE(day);
            }
        };
    }

    /**
     * A timestamp of {@code precision} (3, 6, 9) into DateTime64({@code target}) or, with a target
     * of -1, DateTime: ticks computed directly where the value is safely in range, else through the
     * encoder (an Instant), which checks the exact range in the column's zone. Extra digits are
     * cut towards the past, as ClickHouse cuts them.
     */
    static ValueReader timestamp(int precision, int target, ColumnEncoder encoder) {
        long perSecond = POWERS_OF_TEN[precision];
        Source instant = instant(precision);
        if (target < 0) {
            return (in, out) -> {
                int at = in.position();
                long seconds = Math.floorDiv(in.readLong(), perSecond);
                if (seconds < 0 || seconds > 0xFFFF_FFFFL) {
                    in.position(at);
                    encoder.encode(instant.read(in), out);
                } else {
                    out.writeIntLE((int) seconds);
                }
            };
        }
        long min = SAFE_MIN_SECOND * perSecond;
        long max = (target == 9 ? SAFE_MAX_SECOND_NANOS : SAFE_MAX_SECOND) * perSecond;
        boolean finer = target >= precision;
        long factor = POWERS_OF_TEN[Math.abs(target - precision)];
        return (in, out) -> {
            int at = in.position();
            long value = in.readLong();
            if (value < min || value > max) {
                in.position(at);
                encoder.encode(instant.read(in), out);
            } else {
                out.writeLongLE(finer ? value * factor : Math.floorDiv(value, factor));
            }
        };
    }

    /**
     * An Avro decimal into a Decimal column of the same scale: an unscaled value of up to 8 bytes
     * (any value below 10^18) is written directly, sign-extended to the column's width, after the
     * column's precision is checked; longer ones, and values that do not fit, go through the encoder.
     *
     * @param size the fixed size, or -1 for bytes
     */
    static ValueReader decimal(int size, int scale, int precision, int storageBytes, ColumnEncoder encoder) {
        Source exact = decimal(size, scale);
        long limit = precision >= 19 ? Long.MAX_VALUE : POWERS_OF_TEN[precision];
        return (in, out) -> {
            int at = in.position();
            int length = size < 0 ? in.readLength() : size;
            if (length > 8) {
                in.position(at);
                encoder.encode(exact.read(in), out);
                return;
            }
            in.skip(length);
            byte[] b = in.array();
            int p = in.position() - length;
            long unscaled = length == 0 ? 0 : b[p]; // sign from the first byte
            for (int i = 1; i < length; i++) {
                unscaled = unscaled << 8 | (b[p + i] & 0xFF);
            }
            if (unscaled >= limit || unscaled <= -limit) {
                in.position(at);
                encoder.encode(exact.read(in), out); // too many digits: the encoder says so
                return;
            }
            if (storageBytes == 4) {
                out.writeIntLE((int) unscaled);
            } else {
                out.writeLongLE(unscaled);
                if (storageBytes > 8) {
                    out.writeRepeated(unscaled < 0 ? 0xFF : 0, storageBytes - 8);
                }
            }
        };
    }

    private static long[] powersOfTen(int count) {
        long[] powers = new long[count];
        powers[0] = 1;
        for (int i = 1; i < count; i++) {
            powers[i] = powers[i - 1] * 10;
        }
        return powers;
    }

    private static byte[] copy(AvroInput in, int length) {
        byte[] bytes = new byte[length];
        in.skip(length); // checks the bytes are there
        System.arraycopy(in.array(), in.position() - length, bytes, 0, length);
        return bytes;
    }

    private static long bigEndianLong(AvroInput in) {
        in.skip(8);
        byte[] b = in.array();
        int p = in.position() - 8;
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (b[p + i] & 0xFF);
        }
        return value;
    }
}
