package dev.tributary.core.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * A value that cannot be converted to a ClickHouse type. The message names the value (abbreviated
 * to 100 characters), the type and the reason, and where in a nested value the problem is, e.g.
 * {@code value 300 is out of range for UInt8 (0..255)} or
 * {@code value "x" is not a number for Int32 at [2].b}; it names no column (the caller knows it).
 *
 * <p>Bad data is expected in a stream and may come by the million, so no stack trace is recorded:
 * the message says all there is.
 */
public class ValueConversionException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN = 100;
    /** Numbers wider than this are described by their size, not printed. */
    private static final int MAX_PRINTED_BITS = 8192;
    private static final int MAX_HEX_BYTES = 40;

    private final String shownValue;
    private final String typeText;
    private final String problem;
    private final String detail;
    private final String path;

    /**
     * @param value the value as it was given (only its abbreviated text is kept)
     * @param type the type it was converted to
     * @param problem what is wrong, phrased to follow the value, e.g. {@code is out of range}
     */
    public ValueConversionException(Object value, ClickHouseType type, String problem) {
        this(value, type, problem, null, null);
    }

    /** As {@link #ValueConversionException(Object, ClickHouseType, String)}, with a detail shown in parentheses. */
    public ValueConversionException(Object value, ClickHouseType type, String problem, String detail) {
        this(value, type, problem, detail, null);
    }

    /** As {@link #ValueConversionException(Object, ClickHouseType, String, String)}, with the failure behind it. */
    public ValueConversionException(Object value, ClickHouseType type, String problem, String detail, Throwable cause) {
        this(show(value), abbreviate(String.valueOf(type)), problem, detail, "", cause);
    }

    private ValueConversionException(String shownValue, String typeText, String problem, String detail, String path,
                                     Throwable cause) {
        super(null, cause, false, false);
        this.shownValue = shownValue;
        this.typeText = typeText;
        this.problem = problem;
        this.detail = detail;
        this.path = path;
    }

    /**
     * The same failure seen from an enclosing value: {@code segment} (e.g. {@code [3]} or {@code .b})
     * goes in front of the path to the failing value.
     */
    public ValueConversionException within(String segment) {
        return new ValueConversionException(shownValue, typeText, problem, detail, segment + path, getCause());
    }

    /** The failing value's text, abbreviated to 100 characters (strings in double quotes). */
    public String value() {
        return shownValue;
    }

    /** The type the failing value was converted to, as text. */
    public String type() {
        return typeText;
    }

    /** Where the failing value is inside the converted value, e.g. {@code [3].b}; empty at the top. */
    public String path() {
        return path.startsWith(".") ? path.substring(1) : path;
    }

    @Override
    public String getMessage() {
        StringBuilder message = new StringBuilder(64 + shownValue.length() + typeText.length())
                .append("value ").append(shownValue).append(' ').append(problem).append(" for ").append(typeText);
        if (detail != null) {
            message.append(" (").append(detail).append(')');
        }
        if (!path.isEmpty()) {
            message.append(" at ").append(path());
        }
        return message.toString();
    }

    /** A value as the message shows it: strings quoted, bytes in hex, unusual classes named. */
    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof CharSequence text) {
            return '"' + abbreviate(text.toString(), MAX_SHOWN - 2) + '"';
        }
        if (value instanceof byte[] bytes) {
            return hex(ByteBuffer.wrap(bytes));
        }
        if (value instanceof ByteBuffer buffer) {
            return hex(buffer.duplicate());
        }
        if (value instanceof BigInteger big && big.bitLength() > MAX_PRINTED_BITS) {
            return "(a " + big.bitLength() + "-bit integer)"; // printing a million-bit number costs seconds
        }
        if (value instanceof BigDecimal decimal && decimal.unscaledValue().bitLength() > MAX_PRINTED_BITS) {
            return "(a decimal of " + decimal.unscaledValue().bitLength() + "-bit unscaled value, scale " + decimal.scale() + ")";
        }
        String text;
        try {
            // A nested value is printed only as far as it is shown: toString() of a deep or huge one
            // would recurse as deep as the value and build all of its text.
            text = value instanceof Collection<?> || value instanceof Map<?, ?> || value instanceof Object[]
                    ? bounded(new StringBuilder(), value, 0).toString() : String.valueOf(value);
        } catch (RuntimeException | StackOverflowError e) {
            text = "?";
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof Double || value instanceof Float
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return abbreviate(text);
        }
        String className = value.getClass().getName();
        return abbreviate(text, MAX_SHOWN - className.length() - 3) + " (" + className + ")";
    }

    /** Appends {@code value} as toString() would, stopping once {@link #MAX_SHOWN} characters are there. */
    private static StringBuilder bounded(StringBuilder out, Object value, int depth) {
        if (out.length() > MAX_SHOWN) {
            return out;
        }
        if (depth > 10) {
            return out.append('…');
        }
        Iterator<?> items;
        String open;
        String close;
        if (value instanceof Map<?, ?> map) {
            items = map.entrySet().iterator();
            open = "{";
            close = "}";
        } else if (value instanceof Collection<?> collection) {
            items = collection.iterator();
            open = "[";
            close = "]";
        } else if (value instanceof Object[] array) {
            items = Arrays.asList(array).iterator();
            open = "[";
            close = "]";
        } else {
            String text = String.valueOf(value);
            return out.append(text, 0, Math.min(text.length(), MAX_SHOWN + 1));
        }
        out.append(open);
        for (boolean first = true; items.hasNext() && out.length() <= MAX_SHOWN; first = false) {
            Object item = items.next();
            if (!first) {
                out.append(", ");
            }
            if (item instanceof Map.Entry<?, ?> entry) {
                bounded(out, entry.getKey(), depth + 1).append('=');
                bounded(out, entry.getValue(), depth + 1);
            } else {
                bounded(out, item, depth + 1);
            }
        }
        return out.length() > MAX_SHOWN ? out : out.append(close);
    }

    private static String hex(ByteBuffer bytes) {
        int length = bytes.remaining();
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < Math.min(length, MAX_HEX_BYTES); i++) {
            int b = bytes.get(bytes.position() + i) & 0xFF;
            out.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        if (length > MAX_HEX_BYTES) {
            out.append('…');
        }
        return out.append(" (").append(length).append(length == 1 ? " byte)" : " bytes)").toString();
    }

    private static String abbreviate(String text) {
        return abbreviate(text, MAX_SHOWN);
    }

    private static String abbreviate(String text, int max) {
        int limit = Math.max(max, 10);
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
