package dev.tributary.kinesis;

import dev.tributary.core.VirtualColumn;

import java.util.List;

/** The virtual columns of Kinesis records, as ClickPipes names them. */
public final class KinesisVirtualColumns {

    public static final String KEY = "_key";
    public static final String TIMESTAMP = "_timestamp";
    public static final String STREAM = "_stream";
    public static final String SEQUENCE_NUMBER = "_sequence_number";
    public static final String RAW_MESSAGE = "_raw_message";

    /** Every column, with the ClickHouse type a table would give it. */
    public static final List<VirtualColumn> ALL = List.of(
            new VirtualColumn(KEY, "String", "the record's partition key"),
            new VirtualColumn(TIMESTAMP, "DateTime64(3)", "the approximate arrival time, in milliseconds"),
            new VirtualColumn(STREAM, "String", "the stream's name"),
            new VirtualColumn(SEQUENCE_NUMBER, "String", "the sequence number in the shard"),
            new VirtualColumn(RAW_MESSAGE, "String", "the record's data, undecoded"));

    static final List<String> NAMES = ALL.stream().map(VirtualColumn::name).toList();

    private KinesisVirtualColumns() {
    }
}
