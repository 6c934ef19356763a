package dev.tributary.core.table;

import dev.tributary.core.internal.nativeformat.NativeBlockWriter;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A target table as the sink found it: its insertable columns in table order, the server's version
 * and time zone, and whether rows are encoded as RowBinaryWithDefaults (each value preceded by a byte
 * that says "use the column's DEFAULT") or plain RowBinary. Rows are sent as Native blocks where
 * {@link #nativeInserts()}, else as they are encoded.
 */
public record TableSchema(String database, String table, List<TableColumn> columns, ServerVersion serverVersion,
                          ZoneId serverTimeZone, boolean withDefaults) {

    public TableSchema {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(serverTimeZone, "serverTimeZone");
    }

    /** {@code database.table}, unquoted, for messages. */
    public String qualifiedName() {
        return database + "." + table;
    }

    /**
     * Whether rows encoded for this schema can still be inserted into a table that now has
     * {@code now}: every column they name is still there with the same type and default kind (columns
     * added since are left to the server to fill: rows keep their own insert format).
     */
    public boolean canInsertInto(TableSchema now) {
        java.util.Map<String, TableColumn> present = new java.util.HashMap<>();
        now.columns.forEach(column -> present.put(column.name(), column));
        for (TableColumn column : columns) {
            TableColumn current = present.get(column.name());
            if (current == null || !current.type().equals(column.type()) || current.defaultKind() != column.defaultKind()) {
                return false;
            }
        }
        return true;
    }

    /** The setting under which the engine reads a JSON column's RowBinary value as JSON text. */
    public static final String JSON_AS_STRING = "input_format_binary_read_json_as_string";
    /** The setting under which a Native block's NULL for a non-Nullable column means its DEFAULT. */
    static final String NULL_AS_DEFAULT = "input_format_null_as_default";
    /** The format of inserts sent as Native blocks. */
    public static final String NATIVE = "Native";

    /**
     * The settings an insert of rows encoded for this schema needs when they are sent as {@link #insertFormat()}:
     * {@value #JSON_AS_STRING} when a column holds JSON (the encoder writes JSON as text, not the
     * engine's binary JSON encoding).
     */
    public Map<String, String> formatSettings() {
        return formatSettings(insertFormat());
    }

    /**
     * The settings an insert of rows of this schema sent as {@code format} needs: for RowBinary, see
     * {@link #formatSettings()}; for {@value #NATIVE} with rows that may use a DEFAULT,
     * {@value #NULL_AS_DEFAULT} (a column where some row uses its DEFAULT goes as Nullable, NULL there).
     */
    public Map<String, String> formatSettings(String format) {
        if (NATIVE.equals(format)) {
            return withDefaults && nativeDefaultsAsNull() ? Map.of(NULL_AS_DEFAULT, "1") : Map.of();
        }
        return columns.stream().anyMatch(column -> holdsJson(column.type())) ? Map.of(JSON_AS_STRING, "1") : Map.of();
    }

    /**
     * Whether inserts of rows of this schema go as Native blocks (made of the rows on the insert
     * thread): every server this library serves takes Native, 18.16 included, for every column type
     * but JSON (sent as text, which only RowBinary's {@value #JSON_AS_STRING} reads). A block whose rows
     * use a DEFAULT that Native cannot carry on this server still goes as {@link #insertFormat()}.
     */
    public boolean nativeInserts() {
        return columns.stream().allMatch(column -> NativeBlockWriter.supports(column.type()));
    }

    /** Whether a Native block may send a row's DEFAULT as NULL ({@link ServerVersion#supportsNativeNullAsDefault()}). */
    public boolean nativeDefaultsAsNull() {
        return serverVersion.supportsNativeNullAsDefault();
    }

    /** Whether {@code type} is or contains {@code JSON}. */
    public static boolean holdsJson(ClickHouseType type) {
        return switch (type.kind()) {
            case JSON -> true;
            case NULLABLE -> holdsJson(((NullableType) type).element());
            case LOW_CARDINALITY -> holdsJson(((LowCardinalityType) type).element());
            case ARRAY -> holdsJson(((ArrayType) type).element());
            case MAP -> holdsJson(((MapType) type).key()) || holdsJson(((MapType) type).value());
            case TUPLE -> ((TupleType) type).types().stream().anyMatch(TableSchema::holdsJson);
            case NESTED -> ((NestedType) type).types().stream().anyMatch(TableSchema::holdsJson);
            case VARIANT -> ((VariantType) type).types().stream().anyMatch(TableSchema::holdsJson);
            default -> false;
        };
    }

    /** The RowBinary format the rows are encoded in, and sent in when not as Native blocks. */
    public String insertFormat() {
        return withDefaults ? "RowBinaryWithDefaults" : "RowBinary";
    }
}
