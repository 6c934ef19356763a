package dev.tributary.core.clickhouse;

import dev.tributary.core.rowbinary.RowBinaryOutput;

import java.util.List;

/**
 * The table where records that could not be ingested land, with everything needed to understand
 * and replay them: when, which pipeline, where in the source, why, and the raw key and value bytes.
 */
final class ErrorTable {

    /** The columns the library writes, in this order. */
    static final List<String> COLUMNS = List.of(
            "time", "pipeline", "split", "position", "error_kind", "message", "raw_key", "raw_value");

    /** Messages are cut to this many characters: the raw value is there for the details. */
    private static final int MAX_MESSAGE_CHARS = 4000;

    private ErrorTable() {
    }

    /** {@code CREATE TABLE IF NOT EXISTS}; works on every server version. */
    static String createStatement(String database, String table) {
        return "CREATE TABLE IF NOT EXISTS " + Identifiers.qualified(database, table) + " ("
                + "time DateTime, "
                + "pipeline String, "
                + "split String, "
                + "position String, "
                + "error_kind String, "
                + "message String, "
                + "raw_key Nullable(String), "
                + "raw_value Nullable(String)"
                + ") ENGINE = MergeTree ORDER BY (pipeline, time)";
    }

    /** Appends one error row in RowBinary, in the order of {@link #COLUMNS}. */
    static void encode(ErrorRecord error, String pipeline, RowBinaryOutput out) {
        out.writeIntLE((int) (error.timeMillis() / 1000)); // DateTime: UInt32 seconds
        out.writeString(pipeline);
        out.writeString(error.origin().position().split());
        out.writeString(error.origin().position().toString());
        out.writeString(error.kind().name());
        String message = error.message() == null ? "" : error.message();
        out.writeString(message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "…" : message);
        writeNullableBytes(error.origin().key(), out);
        writeNullableBytes(error.origin().value(), out);
    }

    private static void writeNullableBytes(byte[] bytes, RowBinaryOutput out) {
        if (bytes == null) {
            out.writeByte(1);
        } else {
            out.writeByte(0);
            out.writeVarUInt(bytes.length);
            out.writeBytes(bytes);
        }
    }
}
