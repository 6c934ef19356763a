package dev.tributary.chdb.contract;

import dev.tributary.chdb.ChDbTarget;

import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One ClickHouse a contract test runs against: ClickHouse 18.16 over HTTP, or the chDB 26.5 engine in
 * this process. The test builds its sink on {@link #target()} and reads back through {@link #rows}.
 */
public final class ContractTarget {

    private final String name;
    private final ClickHouseTarget target;
    private final boolean modern;
    private final Consumer<String> execute;
    private final Function<String, List<List<String>>> rows;

    private ContractTarget(String name, ClickHouseTarget target, boolean modern, Consumer<String> execute,
                           Function<String, List<List<String>>> rows) {
        this.name = name;
        this.target = target;
        this.modern = modern;
        this.execute = execute;
        this.rows = rows;
    }

    static ContractTarget http(ClickHouseServer server) {
        ClickHouseSql sql = server.sql();
        return new ContractTarget("ClickHouse 18.16 over HTTP", ClickHouseConnection.builder()
                .endpoint(server.endpoint()).credentials(server.user(), server.password()).build(),
                false, sql::execute, sql::rows);
    }

    static ContractTarget embedded(ChDb chdb) {
        return new ContractTarget("chDB 26.5 in-process",
                ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build(), true,
                chdb::execute, chdb::rows);
    }

    /** Where the sink writes. */
    public ClickHouseTarget target() {
        return target;
    }

    /** A sink builder on this target for {@code table}. */
    public ClickHouseSink.Builder sink(String table) {
        return ClickHouseSink.builder().target(target).table(table);
    }

    /** Whether this is a modern engine (26.5) rather than 18.16. */
    public boolean modern() {
        return modern;
    }

    public void execute(String sql) {
        execute.accept(sql);
    }

    /** The rows of a query without a FORMAT clause; NULL is {@code null}. */
    public List<List<String>> rows(String sql) {
        return rows.apply(sql);
    }

    /** The first column of the first row. */
    public String value(String sql) {
        List<List<String>> result = rows(sql);
        if (result.isEmpty()) {
            throw new IllegalStateException("no row returned by: " + sql);
        }
        return result.get(0).get(0);
    }

    public long longValue(String sql) {
        return Long.parseLong(value(sql));
    }

    /** Drops {@code table} and its error table, then creates it with {@code columnsAndEngine}. */
    public void recreate(String table, String columnsAndEngine) {
        execute("DROP TABLE IF EXISTS " + table);
        execute("DROP TABLE IF EXISTS " + table + "_errors");
        execute("CREATE TABLE " + table + " " + columnsAndEngine);
    }

    @Override
    public String toString() {
        return name;
    }
}
