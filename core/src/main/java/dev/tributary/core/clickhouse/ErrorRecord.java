package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.SourceRecord;

/** One record on its way to the error table. */
record ErrorRecord(long timeMillis, SourceRecord origin, ErrorKind kind, String message) {
}
