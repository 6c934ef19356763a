package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Enum8} and {@code Enum16}: a name (exact, case-sensitive) or a defined number. Text that
 * is no name but an integer is taken as a number, as ClickHouse does.
 */
final class EnumEncoder extends BaseEncoder {

    private static final String EXPECTED = "an enum name or number";
    private static final int NAMES_SHOWN = 8;

    private final boolean eightBits;
    private final Map<String, Integer> numbersByName;
    private final int[] numbers;
    private final String allowedNames;
    private final String allowedNumbers;

    EnumEncoder(ClickHouseType type, EnumType enumType) {
        super(type, zero(enumType));
        this.eightBits = enumType.bits() == 8;
        List<EnumType.Value> values = enumType.values();
        Map<String, Integer> byName = new HashMap<>();
        numbers = new int[values.size()];
        for (int i = 0; i < values.size(); i++) {
            byName.put(values.get(i).name(), values.get(i).number());
            numbers[i] = values.get(i).number(); // sorted: EnumType keeps values by number
        }
        this.numbersByName = Map.copyOf(byName);
        this.allowedNames = "allowed: " + list(values, true);
        this.allowedNumbers = "allowed: " + list(values, false);
    }

    private static byte[] zero(EnumType enumType) {
        int number = enumType.defaultNumber();
        return enumType.bits() == 8 ? new byte[] {(byte) number} : new byte[] {(byte) number, (byte) (number >> 8)};
    }

    private static String list(List<EnumType.Value> values, boolean names) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(values.size(), NAMES_SHOWN); i++) {
            EnumType.Value value = values.get(i);
            out.append(i == 0 ? "" : ", ").append(names ? "'" + value.name() + "'" : String.valueOf(value.number()));
        }
        if (values.size() > NAMES_SHOWN) {
            out.append(", … (").append(values.size()).append(" in all)");
        }
        return out.toString();
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        int number;
        if (value instanceof CharSequence text) {
            Integer named = numbersByName.get(text.toString());
            int digits = named == null ? Integral.digitCount(text) : 0;
            if (named != null) {
                number = named;
            } else if (digits > 0 && digits <= 6) {
                number = defined(Integral.parseShortInteger(text), value, allowedNames);
            } else {
                throw fail(value, "is not a name of the enum", allowedNames);
            }
        } else if (Integral.isJavaInteger(value)) {
            number = defined(((Number) value).longValue(), value, allowedNumbers);
        } else if (value instanceof BigInteger big) {
            number = defined(big.bitLength() < 32 ? big.longValue() : Long.MAX_VALUE, value, allowedNumbers);
        } else {
            throw notAccepted(value, EXPECTED);
        }
        if (eightBits) {
            out.writeByte(number);
        } else {
            out.writeShortLE(number);
        }
    }

    private int defined(long number, Object value, String allowed) throws ValueConversionException {
        if (number < Short.MIN_VALUE || number > Short.MAX_VALUE || Arrays.binarySearch(numbers, (int) number) < 0) {
            throw fail(value, "is not a value of the enum", allowed);
        }
        return (int) number;
    }
}
