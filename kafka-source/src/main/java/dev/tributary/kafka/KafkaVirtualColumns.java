package dev.tributary.kafka;

import dev.tributary.core.VirtualColumn;

import java.util.List;

/** The virtual columns of Kafka records, as ClickPipes names them. */
public final class KafkaVirtualColumns {

    public static final String KEY = "_key";
    public static final String TIMESTAMP = "_timestamp";
    public static final String PARTITION = "_partition";
    public static final String OFFSET = "_offset";
    public static final String TOPIC = "_topic";
    public static final String HEADER_KEYS = "_header_keys";
    public static final String HEADER_VALUES = "_header_values";
    public static final String RAW_MESSAGE = "_raw_message";

    /** Every column, with the ClickHouse type a table would give it. */
    public static final List<VirtualColumn> ALL = List.of(
            new VirtualColumn(KEY, "Nullable(String)", "the record's key"),
            new VirtualColumn(TIMESTAMP, "DateTime64(3)", "the record's timestamp"),
            new VirtualColumn(PARTITION, "UInt64", "the partition"),
            new VirtualColumn(OFFSET, "UInt64", "the offset in the partition"),
            new VirtualColumn(TOPIC, "LowCardinality(String)", "the topic"),
            new VirtualColumn(HEADER_KEYS, "Array(String)", "the header keys, in order"),
            new VirtualColumn(HEADER_VALUES, "Array(String)", "the header values, in the order of the keys"),
            new VirtualColumn(RAW_MESSAGE, "String", "the record's value, undecoded"));

    static final List<String> NAMES = ALL.stream().map(VirtualColumn::name).toList();

    private KafkaVirtualColumns() {
    }
}
