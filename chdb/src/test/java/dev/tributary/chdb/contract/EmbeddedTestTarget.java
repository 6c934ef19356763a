package dev.tributary.chdb.contract;

import dev.tributary.chdb.ChDbTransport;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.clickhouse.ClickHouseTransport;
import dev.tributary.testkit.ChDb;

/**
 * A test-side {@link ClickHouseTarget} over the embedded engine: each {@link #open()} is a
 * {@link ChDbTransport} on the test kit's chDB data path (the engine holds one data path per JVM, so the
 * sink shares the engine the test reads back from).
 */
final class EmbeddedTestTarget implements ClickHouseTarget {

    private final ChDb chdb;

    EmbeddedTestTarget(ChDb chdb) {
        this.chdb = chdb;
    }

    @Override
    public ClickHouseTransport open() {
        return ChDbTransport.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();
    }

    @Override
    public String database() {
        return "default";
    }

    @Override
    public String describe() {
        return "embedded chDB at " + chdb.dataPath();
    }
}
