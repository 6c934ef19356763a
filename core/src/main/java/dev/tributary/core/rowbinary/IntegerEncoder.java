package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigInteger;

/**
 * The integer types. {@code Int8} to {@code Int64} and {@code UInt8} to {@code UInt32} are checked
 * as longs; {@code UInt64} and the 128- and 256-bit types go through BigInteger when the value is
 * not a plain Java int or long. Overflow is an error, never a wrap.
 */
final class IntegerEncoder extends BaseEncoder {

    private final int bytes;
    private final boolean wide;
    private final long min;
    private final long max;
    private final BigInteger bigMin;
    private final BigInteger bigMax;
    private final String range;

    IntegerEncoder(ClickHouseType type, SimpleType integer) {
        super(type, new byte[integer.bits() / 8]);
        int bits = integer.bits();
        this.bytes = bits / 8;
        this.bigMin = integer.isSigned() ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
        this.bigMax = BigInteger.ONE.shiftLeft(integer.isSigned() ? bits - 1 : bits).subtract(BigInteger.ONE);
        // UInt64 and wider do not fit in a long: their long checks only cover plain ints and longs.
        this.wide = bigMax.bitLength() > 63;
        this.min = wide ? (integer.isSigned() ? Long.MIN_VALUE : 0) : bigMin.longValueExact();
        this.max = wide ? Long.MAX_VALUE : bigMax.longValueExact();
        this.range = bigMin + ".." + bigMax;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        long v;
        if (value instanceof Integer i) {
            v = i;
        } else if (value instanceof Long l) {
            v = l;
        } else if (value instanceof Boolean b) {
            v = b ? 1 : 0;
        } else if (wide) {
            encodeBig(value, out);
            return;
        } else {
            v = Integral.toLong(value, this, range);
        }
        if (v < min || v > max) {
            throw fail(value, "is out of range", range);
        }
        write(v, out);
    }

    private void encodeBig(Object value, RowBinaryOutput out) throws ValueConversionException {
        BigInteger v = Integral.toBigInteger(value, this, range);
        if (v.compareTo(bigMin) < 0 || v.compareTo(bigMax) > 0) {
            throw fail(value, "is out of range", range);
        }
        Integral.writeBig(v, bytes, out);
    }

    private void write(long v, RowBinaryOutput out) {
        switch (bytes) {
            case 1 -> out.writeByte((int) v);
            case 2 -> out.writeShortLE((int) v);
            case 4 -> out.writeIntLE((int) v);
            default -> Integral.writeLong(v, bytes, out);
        }
    }
}
