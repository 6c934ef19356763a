package dev.tributary.core.table;

import dev.tributary.core.types.ClickHouseType;

import java.util.Objects;

/** One column of a ClickHouse table, as {@code system.columns} describes it. */
public record TableColumn(String name, ClickHouseType type, DefaultKind defaultKind, String defaultExpression) {

    /** How a column gets its value when an INSERT does not give one. */
    public enum DefaultKind {
        /** No default expression: the type's zero value. */
        NONE,
        /** {@code DEFAULT expr}: computed when the INSERT omits it. */
        DEFAULT,
        /** {@code MATERIALIZED expr}: always computed; cannot be inserted. */
        MATERIALIZED,
        /** {@code ALIAS expr}: not stored; cannot be inserted. */
        ALIAS,
        /**
         * {@code EPHEMERAL}: not stored, only an input to other columns' defaults; an INSERT may write it
         * (and must, when a DEFAULT uses it: the server refuses an insert that omits it, code 47).
         */
        EPHEMERAL;

        /** Parses {@code system.columns.default_kind} (empty for none). */
        public static DefaultKind parse(String text) {
            return switch (text == null ? "" : text.trim().toUpperCase(java.util.Locale.ROOT)) {
                case "" -> NONE;
                case "DEFAULT" -> DEFAULT;
                case "MATERIALIZED" -> MATERIALIZED;
                case "ALIAS" -> ALIAS;
                case "EPHEMERAL" -> EPHEMERAL;
                default -> throw new IllegalArgumentException("unknown default_kind '" + text + "'");
            };
        }
    }

    public TableColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultKind, "defaultKind");
        defaultExpression = defaultExpression == null ? "" : defaultExpression;
    }

    /** Whether an INSERT writes this column (MATERIALIZED and ALIAS columns cannot be written). */
    public boolean isInsertable() {
        return defaultKind == DefaultKind.NONE || defaultKind == DefaultKind.DEFAULT || defaultKind == DefaultKind.EPHEMERAL;
    }

    /** Whether the server computes a value for this column when the row does not give one. */
    public boolean hasDefaultExpression() {
        return defaultKind == DefaultKind.DEFAULT || defaultKind == DefaultKind.EPHEMERAL;
    }
}
