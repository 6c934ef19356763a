package dev.tributary.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link ClickHouseServer} parameter of a test that {@link TestServers} serves: the server is
 * one configured with a ZooKeeper (and the {@code {replica}} macro), so that it keeps
 * {@code ReplicatedMergeTree} tables, e.g. for 18.16's deduplication of repeated inserts.
 * It is another server than the plain one (started on first use, once per test run, with the one
 * {@link ZooKeeperServer} of the run), so that tests which do not need it do not pay for it.
 *
 * <pre>{@code
 * @Test
 * void keepsOneCopy(@WithZooKeeper ClickHouseServer clickhouse) {
 *     clickhouse.sql().execute("CREATE TABLE t (id UInt64) ENGINE = "
 *             + clickhouse.replicatedMergeTree("t") + " ORDER BY id");
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface WithZooKeeper {
}
