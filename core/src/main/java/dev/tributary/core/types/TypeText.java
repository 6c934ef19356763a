package dev.tributary.core.types;

/** Quoting of names and strings in canonical type text, as ClickHouse writes them. */
final class TypeText {

    private TypeText() {
    }

    /** A single-quoted string with ClickHouse's backslash escapes, e.g. {@code 'a\'b'}. */
    static String quoteString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        escapeInto(value, '\'', out);
        return out.append('\'').toString();
    }

    /** The name as is when it is a plain identifier, else back-quoted, e.g. {@code `a b`}. */
    static String quoteIdentifierIfNeeded(String name) {
        if (isPlainIdentifier(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 2).append('`');
        escapeInto(name, '`', out);
        return out.append('`').toString();
    }

    static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || c >= '0' && c <= '9';
    }

    private static boolean isPlainIdentifier(String name) {
        if (name.isEmpty() || !isIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!isIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void escapeInto(String value, char quote, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\0' -> out.append("\\0");
                default -> {
                    if (c == quote) {
                        out.append('\\');
                    }
                    out.append(c);
                }
            }
        }
    }
}
