package dev.tributary.core.internal;

/**
 * Quoting of identifiers and string literals for the few statements the library writes itself
 * (schema discovery, error-table DDL). Names come from configuration, never from payloads, and are
 * always quoted.
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code name} as a backquoted identifier: {@code my`table} becomes {@code `my\`table`}. */
    public static String quote(String name) {
        StringBuilder out = new StringBuilder(name.length() + 2).append('`');
        appendEscaped(out, name, '`');
        return out.append('`').toString();
    }

    /** {@code `database`.`table`}. */
    public static String qualified(String database, String table) {
        return quote(database) + "." + quote(table);
    }

    /** {@code text} as a single-quoted string literal. */
    public static String literal(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('\'');
        appendEscaped(out, text, '\'');
        return out.append('\'').toString();
    }

    private static void appendEscaped(StringBuilder out, String text, char quote) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == quote) {
                out.append('\\').append(c);
            } else if (c == '\0') {
                out.append("\\0");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(c);
            }
        }
    }
}
