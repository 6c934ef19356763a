package dev.tributary.core.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** A recursive-descent parser of ClickHouse type text; see {@link ClickHouseType#parse(String)}. */
final class TypeParser {

    /** Real ClickHouse types that Tributary cannot encode: named as such rather than "unknown". */
    private static final Set<String> UNSUPPORTED = Set.of("Nothing", "Object", "Dynamic",
            "Time", "Time64", "BFloat16", "Point", "Ring", "LineString", "MultiLineString", "Polygon",
            "MultiPolygon", "Geometry", "AggregateFunction", "SimpleAggregateFunction", "QBit",
            "IntervalNanosecond", "IntervalMicrosecond", "IntervalMillisecond", "IntervalSecond",
            "IntervalMinute", "IntervalHour", "IntervalDay", "IntervalWeek", "IntervalMonth",
            "IntervalQuarter", "IntervalYear");

    private final String text;
    private int pos;

    private TypeParser(String text) {
        this.text = text;
    }

    static ClickHouseType parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("a type text cannot be null");
        }
        TypeParser parser = new TypeParser(text);
        ClickHouseType type = parser.type();
        parser.skipSpace();
        if (parser.pos < text.length()) {
            throw parser.error("unexpected '" + text.charAt(parser.pos) + "' after the type", parser.pos);
        }
        return type;
    }

    private ClickHouseType type() {
        skipSpace();
        int start = pos;
        String name = identifier("a type name");
        SimpleType simple = SimpleType.byName(name);
        if (simple != null) {
            return simple;
        }
        return switch (name) {
            case "Nullable" -> {
                ClickHouseType element = single();
                yield construct(start, () -> new NullableType(element));
            }
            case "LowCardinality" -> {
                ClickHouseType element = single();
                yield construct(start, () -> new LowCardinalityType(element));
            }
            case "Array" -> new ArrayType(single());
            case "Map" -> map(start);
            case "Tuple" -> tuple(start);
            case "Nested" -> nested(start);
            case "Variant" -> variant(start);
            case "JSON" -> json(start);
            case "Decimal" -> decimal(start);
            case "Decimal32" -> decimalOfWidth(start, 32);
            case "Decimal64" -> decimalOfWidth(start, 64);
            case "Decimal128" -> decimalOfWidth(start, 128);
            case "Decimal256" -> decimalOfWidth(start, 256);
            case "FixedString" -> {
                expect('(');
                int length = number();
                expect(')');
                yield construct(start, () -> new FixedStringType(length));
            }
            case "DateTime" -> dateTime(start);
            case "DateTime64" -> dateTime64(start);
            case "Enum8" -> enumType(start, 8);
            case "Enum16" -> enumType(start, 16);
            case "Enum" -> enumType(start, 0);
            default -> throw error((UNSUPPORTED.contains(name) ? "unsupported type '" : "unknown type '") + name + "'", start);
        };
    }

    private ClickHouseType single() {
        expect('(');
        ClickHouseType element = type();
        expect(')');
        return element;
    }

    private ClickHouseType map(int start) {
        expect('(');
        ClickHouseType key = type();
        expect(',');
        ClickHouseType value = type();
        expect(')');
        return construct(start, () -> new MapType(key, value));
    }

    private ClickHouseType tuple(int start) {
        List<String> names = new ArrayList<>();
        List<ClickHouseType> types = new ArrayList<>();
        elements(names, types);
        if (!names.isEmpty() && names.size() != types.size()) {
            throw error("Tuple mixes named and unnamed elements", start);
        }
        return construct(start, () -> new TupleType(names, types));
    }

    private ClickHouseType nested(int start) {
        List<String> names = new ArrayList<>();
        List<ClickHouseType> types = new ArrayList<>();
        elements(names, types);
        if (names.size() != types.size()) {
            throw error("every Nested element needs a name", start);
        }
        return construct(start, () -> new NestedType(names, types));
    }

    /** {@code (a T1, b T2)} or {@code (T1, T2)}: an element is named when a type follows its first word. */
    private void elements(List<String> names, List<ClickHouseType> types) {
        expect('(');
        do {
            skipSpace();
            int elementStart = pos;
            String name = null;
            if (peek() == '`') {
                name = backQuoted();
            } else if (pos < text.length() && TypeText.isIdentifierStart(text.charAt(pos))) {
                String word = identifier("an element");
                skipSpace();
                if (pos < text.length() && TypeText.isIdentifierStart(text.charAt(pos))) {
                    name = word;
                } else {
                    pos = elementStart;
                }
            }
            if (name != null) {
                names.add(name);
            }
            types.add(type());
        } while (accept(','));
        expect(')');
    }

    private ClickHouseType variant(int start) {
        expect('(');
        List<ClickHouseType> types = new ArrayList<>();
        do {
            types.add(type());
        } while (accept(','));
        expect(')');
        return construct(start, () -> new VariantType(types));
    }

    /** {@code JSON} or {@code JSON(...)}: the parameters (paths, limits) do not change how a value is sent. */
    private ClickHouseType json(int start) {
        skipSpace();
        if (peek() != '(') {
            return new JsonType("");
        }
        int open = pos;
        int depth = 0;
        char quote = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (quote != 0) {
                if (c == '\\') {
                    pos++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '`') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                String parameters = text.substring(open + 1, pos - 1).trim();
                return construct(start, () -> new JsonType(parameters));
            }
        }
        throw error("unterminated JSON parameters", open);
    }

    private ClickHouseType decimal(int start) {
        int precision = 10;
        int scale = 0;
        if (accept('(')) {
            precision = number();
            if (accept(',')) {
                scale = number();
            }
            expect(')');
        }
        int p = precision;
        int s = scale;
        return construct(start, () -> new DecimalType(p, s));
    }

    private ClickHouseType decimalOfWidth(int start, int bits) {
        expect('(');
        int scale = number();
        expect(')');
        return construct(start, () -> new DecimalType(DecimalType.maxPrecisionOf(bits), scale));
    }

    private ClickHouseType dateTime(int start) {
        if (!accept('(')) {
            return DateTimeType.WITHOUT_TIMEZONE;
        }
        String timezone = quoted();
        expect(')');
        return construct(start, () -> new DateTimeType(timezone));
    }

    private ClickHouseType dateTime64(int start) {
        expect('(');
        int precision = number();
        String timezone = accept(',') ? quoted() : null;
        expect(')');
        return construct(start, () -> new DateTime64Type(precision, timezone));
    }

    /** Names without a number are numbered on from the previous one, from 1, as ClickHouse does. */
    private ClickHouseType enumType(int start, int declaredBits) {
        expect('(');
        List<EnumType.Value> values = new ArrayList<>();
        long next = 1;
        boolean fitsInEight = true;
        do {
            String name = quoted();
            long number = next;
            if (accept('=')) {
                skipSpace();
                int numberStart = pos;
                boolean negative = accept('-');
                if (!negative) {
                    accept('+');
                }
                number = negative ? -(long) number() : number();
                if (number < Short.MIN_VALUE || number > Short.MAX_VALUE) {
                    throw error("Enum value " + number + " is outside " + Short.MIN_VALUE + ".." + Short.MAX_VALUE, numberStart);
                }
            }
            fitsInEight &= number >= Byte.MIN_VALUE && number <= Byte.MAX_VALUE;
            values.add(new EnumType.Value(name, (int) number));
            next = number + 1;
        } while (accept(','));
        expect(')');
        int bits = declaredBits != 0 ? declaredBits : fitsInEight ? 8 : 16;
        return construct(start, () -> new EnumType(bits, values));
    }

    /** Builds a type, giving a validation failure the position of the type that failed it. */
    private <T> T construct(int start, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage(), start);
        }
    }

    private String identifier(String expected) {
        skipSpace();
        int start = pos;
        if (pos >= text.length() || !TypeText.isIdentifierStart(text.charAt(pos))) {
            throw unexpected(expected);
        }
        pos++;
        while (pos < text.length() && TypeText.isIdentifierPart(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private int number() {
        skipSpace();
        int start = pos;
        long value = 0;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            value = value * 10 + (text.charAt(pos++) - '0');
            if (value > Integer.MAX_VALUE) {
                throw error("number too large", start);
            }
        }
        if (pos == start) {
            throw unexpected("a number");
        }
        return (int) value;
    }

    private String quoted() {
        skipSpace();
        if (peek() != '\'') {
            throw unexpected("a quoted string");
        }
        return quotedBody('\'');
    }

    private String backQuoted() {
        return quotedBody('`');
    }

    /** A string after its opening quote: {@code ''} or a backslash escape stands for a quote. */
    private String quotedBody(char quote) {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                if (peek() != quote) {
                    return value.toString();
                }
                pos++;
                value.append(quote);
            } else if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                value.append(unescape());
            } else {
                value.append(c);
            }
        }
        throw error("unterminated quoted string", start);
    }

    private char unescape() {
        char c = text.charAt(pos++);
        return switch (c) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case '0' -> '\0';
            case 'a' -> '\u0007';
            case 'v' -> '\u000b';
            case 'x' -> {
                if (pos + 2 > text.length()) {
                    throw error("bad \\x escape", pos - 2);
                }
                try {
                    char hex = (char) Integer.parseInt(text.substring(pos, pos + 2), 16);
                    pos += 2;
                    yield hex;
                } catch (NumberFormatException e) {
                    throw error("bad \\x escape", pos - 2);
                }
            }
            default -> c;
        };
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private boolean accept(char c) {
        skipSpace();
        if (peek() == c && pos < text.length()) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw unexpected("'" + c + "'");
        }
    }

    private IllegalArgumentException unexpected(String expected) {
        skipSpace();
        String found = pos < text.length() ? "'" + text.charAt(pos) + "'" : "the end";
        return error("expected " + expected + " but found " + found, pos);
    }

    private IllegalArgumentException error(String problem, int position) {
        return new IllegalArgumentException(problem + " at position " + position + " in \"" + text + "\"");
    }
}
