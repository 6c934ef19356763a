package dev.tributary.core.mapping;

import dev.tributary.core.internal.JsonFieldReader;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.ValueConversionException;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * Writers of the common column types straight from a JSON value's bytes, for the cases that are
 * plainly valid: an integer token in range, a number exact enough to round once, a string, an enum
 * name. Anything else — and every error — is left to the column's {@link ColumnEncoder} with the
 * value the decoder would have built, so the rules and messages of {@code docs/type-conversions.md}
 * stay in one place; each writer here gives the same bytes as that encoder for what it takes
 * ({@code JsonFastPathDifferentialTest}).
 */
final class JsonValueWriters {

    private static final long[] LONG_POWERS = new long[19];
    private static final double[] DOUBLE_POWERS = new double[23];
    private static final float[] FLOAT_POWERS = new float[11];

    static {
        LONG_POWERS[0] = 1;
        for (int i = 1; i < LONG_POWERS.length; i++) {
            LONG_POWERS[i] = LONG_POWERS[i - 1] * 10;
        }
        for (int i = 0; i < DOUBLE_POWERS.length; i++) {
            DOUBLE_POWERS[i] = Double.parseDouble("1e" + i); // exact up to 1e22
        }
        for (int i = 0; i < FLOAT_POWERS.length; i++) {
            FLOAT_POWERS[i] = Float.parseFloat("1e" + i); // exact up to 1e10
        }
    }

    /** Writes one JSON value of a kind of {@link JsonFieldReader}, or declines. */
    interface Writer {
        /**
         * @param number the value of an {@link JsonFieldReader#INTEGER}
         * @return false when the value is not written here (the caller drops what was appended)
         */
        boolean write(JsonFieldReader in, byte kind, int start, int end, long number, RowBinaryOutput out);
    }

    private JsonValueWriters() {
    }

    /** The direct writer of {@code type}, or null when every value goes through the encoder. */
    static Writer forType(ClickHouseType type, ZoneId defaultZone) {
        return switch (type.kind()) {
            case INT8, INT16, INT32, INT64, INT128, INT256, UINT8, UINT16, UINT32, UINT64, UINT128, UINT256 ->
                    integer((SimpleType) type);
            case FLOAT32 -> floating(true);
            case FLOAT64 -> floating(false);
            case DECIMAL -> decimal((DecimalType) type);
            case STRING -> JsonValueWriters::string;
            case BOOL -> (in, kind, start, end, number, out) -> {
                if (kind != JsonFieldReader.TRUE && kind != JsonFieldReader.FALSE) {
                    return false;
                }
                out.writeByte(kind == JsonFieldReader.TRUE ? 1 : 0);
                return true;
            };
            case ENUM8, ENUM16 -> enumeration((EnumType) type);
            case DATE, DATE32, DATETIME, DATETIME64 -> text(ColumnEncoders.forType(type, defaultZone));
            case LOW_CARDINALITY -> forType(((LowCardinalityType) type).element(), defaultZone);
            case NULLABLE -> nullable(forType(((NullableType) type).element(), defaultZone));
            case ARRAY -> array(forType(((ArrayType) type).element(), defaultZone));
            default -> null;
        };
    }

    private static Writer integer(SimpleType type) {
        int bytes = type.bits() / 8;
        boolean signed = type.isSigned();
        long min = !signed ? 0 : bytes >= 8 ? Long.MIN_VALUE : -(1L << (type.bits() - 1));
        long max = bytes >= 8 ? Long.MAX_VALUE : signed ? (1L << (type.bits() - 1)) - 1 : (1L << type.bits()) - 1;
        return (in, kind, start, end, number, out) -> {
            if (kind != JsonFieldReader.INTEGER || number < min || number > max) {
                return false;
            }
            switch (bytes) {
                case 1 -> out.writeByte((int) number);
                case 2 -> out.writeShortLE((int) number);
                case 4 -> out.writeIntLE((int) number);
                default -> {
                    out.writeLongLE(number);
                    if (bytes > 8) {
                        out.writeRepeated(number < 0 ? 0xFF : 0, bytes - 8);
                    }
                }
            }
            return true;
        };
    }

    /**
     * A long rounds once to the nearest float or double, as the encoder rounds a Long. A decimal of
     * few digits and a small exponent is m × 10^e or m / 10^e with both operands exact: one
     * correctly rounded operation, which is what the encoder's BigDecimal conversion gives.
     */
    private static Writer floating(boolean single) {
        return (in, kind, start, end, number, out) -> {
            if (kind == JsonFieldReader.INTEGER) {
                if (single) {
                    out.writeIntLE(Float.floatToRawIntBits((float) number));
                } else {
                    out.writeLongLE(Double.doubleToRawLongBits((double) number));
                }
                return true;
            }
            if (kind != JsonFieldReader.FLOAT || !in.decimal(start, end)) {
                return false;
            }
            long m = in.mantissa();
            int e = in.exponent();
            if (m == 0) {
                // BigDecimal has no negative zero: -0.0 is 0
                if (single) {
                    out.writeIntLE(0);
                } else {
                    out.writeLongLE(0);
                }
                return true;
            }
            if (single) {
                if (Math.abs(m) >= 1L << 22 || e < -10 || e > 10) {
                    return false;
                }
                float f = e >= 0 ? (float) m * FLOAT_POWERS[e] : (float) m / FLOAT_POWERS[-e];
                out.writeIntLE(Float.floatToRawIntBits(f));
            } else {
                if (Math.abs(m) >= 1L << 52 || e < -22 || e > 22) {
                    return false;
                }
                double d = e >= 0 ? (double) m * DOUBLE_POWERS[e] : (double) m / DOUBLE_POWERS[-e];
                out.writeLongLE(Double.doubleToRawLongBits(d));
            }
            return true;
        };
    }

    /** Exact as the encoder: more fractional digits than S (after trailing zeros), or too many integer digits, decline. */
    private static Writer decimal(DecimalType type) {
        int scale = type.scale();
        int precision = type.precision();
        int bytes = type.storageBits() / 8;
        return (in, kind, start, end, number, out) -> {
            long m;
            int e;
            if (kind == JsonFieldReader.INTEGER) {
                m = number;
                e = 0;
            } else if (kind == JsonFieldReader.FLOAT && in.decimal(start, end)) {
                m = in.mantissa();
                e = in.exponent();
            } else {
                return false;
            }
            while (e < -scale && m != 0 && m % 10 == 0) {
                m /= 10;
                e++;
            }
            long unscaled;
            if (m == 0) {
                unscaled = 0;
            } else {
                int shift = e + scale;
                if (shift < 0 || shift > 18) {
                    return false;
                }
                long power = LONG_POWERS[shift];
                unscaled = m * power;
                if (Math.multiplyHigh(m, power) != (unscaled >> 63)) {
                    return false; // beyond a long
                }
                if (precision <= 18 && Math.abs(unscaled) >= LONG_POWERS[precision]) {
                    return false; // too many digits before the point
                }
            }
            switch (bytes) {
                case 4 -> out.writeIntLE((int) unscaled);
                case 8 -> out.writeLongLE(unscaled);
                default -> {
                    out.writeLongLE(unscaled);
                    out.writeRepeated(unscaled < 0 ? 0xFF : 0, bytes - 8);
                }
            }
            return true;
        };
    }

    /** Text as its UTF-8 bytes; an integer of up to 18 digits as its text, which is the Long's. */
    private static boolean string(JsonFieldReader in, byte kind, int start, int end, long number, RowBinaryOutput out) {
        byte[] bytes = in.bytes();
        switch (kind) {
            case JsonFieldReader.STRING -> {
                out.writeVarUInt(end - start - 2);
                out.writeBytes(bytes, start + 1, end - start - 2);
                return true;
            }
            case JsonFieldReader.ESCAPED_STRING -> {
                int length = in.unescape(start, end);
                if (length < 0) {
                    return false;
                }
                out.writeVarUInt(length);
                out.writeBytes(in.scratch(), 0, length);
                return true;
            }
            case JsonFieldReader.INTEGER -> {
                if (number == 0 && bytes[start] == '-') {
                    return false; // -0 is the Long 0
                }
                out.writeVarUInt(end - start);
                out.writeBytes(bytes, start, end - start);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** A name matched on its UTF-8 bytes. */
    private static Writer enumeration(EnumType type) {
        byte[][] names = new byte[type.values().size()][];
        int[] numbers = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = type.values().get(i).name().getBytes(StandardCharsets.UTF_8);
            numbers[i] = type.values().get(i).number();
        }
        boolean eightBits = type.bits() == 8;
        return (in, kind, start, end, number, out) -> {
            if (kind != JsonFieldReader.STRING) {
                return false;
            }
            byte[] bytes = in.bytes();
            int length = end - start - 2;
            for (int i = 0; i < names.length; i++) {
                byte[] name = names[i];
                if (name.length == length && (length == 0 || name[length - 1] == bytes[end - 2])
                        && Arrays.equals(name, 0, length, bytes, start + 1, end - 1)) {
                    if (eightBits) {
                        out.writeByte(numbers[i]);
                    } else {
                        out.writeShortLE(numbers[i]);
                    }
                    return true;
                }
            }
            return false;
        };
    }

    /** Dates and date-times: the encoder's own text rules, on a view of the bytes. */
    private static Writer text(ColumnEncoder encoder) {
        return (in, kind, start, end, number, out) -> {
            if (kind != JsonFieldReader.STRING) {
                return false;
            }
            CharSequence text = in.ascii(start + 1, end - 1);
            if (text == null) {
                return false;
            }
            try {
                encoder.encode(text, out); // appends all or nothing
                return true;
            } catch (ValueConversionException e) {
                return false; // the encoder says so again, with the String, for the error row
            }
        };
    }

    private static Writer nullable(Writer element) {
        if (element == null) {
            return null;
        }
        return (in, kind, start, end, number, out) -> {
            if (kind == JsonFieldReader.NULL) {
                out.writeByte(1);
                return true;
            }
            out.writeByte(0);
            return element.write(in, kind, start, end, number, out);
        };
    }

    private static Writer array(Writer element) {
        if (element == null) {
            return null;
        }
        return (in, kind, start, end, number, out) -> {
            if (kind != JsonFieldReader.ARRAY) {
                return false;
            }
            out.writeVarUInt(in.elementCount(start));
            for (int at = in.firstElement(start); at >= 0; ) {
                int elementEnd = in.elementEnd(at);
                if (!element.write(in, in.elementKind(), at, elementEnd, in.elementNumber(), out)) {
                    return false;
                }
                at = in.nextElement(elementEnd);
            }
            return true;
        };
    }
}
