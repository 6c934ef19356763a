package dev.tributary.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;
import java.util.function.Function;

/**
 * JUnit 5 extension that hands tests real servers: declare a parameter of type
 * {@link ClickHouseServer}, {@link KafkaBroker}, {@link SecuredKafkaBroker}, {@link KinesisMock}, {@link Dynalite},
 * {@link SchemaRegistry}, {@link ZooKeeperServer}, {@link ChDb} or {@link TestkitPaths} in a test, lifecycle
 * method or constructor. A {@link ClickHouseServer} parameter annotated {@link WithZooKeeper} gets
 * another ClickHouse, configured with the run's ZooKeeper, that keeps {@code ReplicatedMergeTree} tables.
 *
 * <pre>{@code
 * @ExtendWith(TestServers.class)
 * class MyIT {
 *     @Test
 *     void lands(ClickHouseServer clickhouse, KafkaBroker kafka) { ... }
 * }
 * }</pre>
 *
 * <p>Each server is started on first use, once per test run (JVM), on free loopback ports, with its
 * data and logs under {@code target/testkit/}, and stopped when the run ends. A server named by its
 * environment variable ({@code TRIBUTARY_CLICKHOUSE_URL}, {@code TRIBUTARY_CLICKHOUSE_ZK_URL},
 * {@code TRIBUTARY_KAFKA_BOOTSTRAP}, {@code TRIBUTARY_KAFKA_SECURED}, {@code TRIBUTARY_KINESIS_ENDPOINT},
 * {@code TRIBUTARY_DYNAMODB_ENDPOINT}, {@code TRIBUTARY_SCHEMA_REGISTRY_URL}, {@code TRIBUTARY_ZOOKEEPER}) is
 * reused instead, and left running. A server that cannot
 * be had fails the test with a message saying how to get it: nothing is skipped.
 */
public final class TestServers implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestServers.class);

    private static final Map<Class<?>, Function<TestkitPaths, AutoCloseable>> FACTORIES = Map.of(
            ClickHouseServer.class, ClickHouseServer::fromEnvironmentOrStart,
            KafkaBroker.class, KafkaBroker::fromEnvironmentOrStart,
            SecuredKafkaBroker.class, SecuredKafkaBroker::fromEnvironmentOrStart,
            KinesisMock.class, KinesisMock::fromEnvironmentOrStart,
            Dynalite.class, Dynalite::fromEnvironmentOrStart,
            SchemaRegistry.class, SchemaRegistry::fromEnvironmentOrStart,
            ZooKeeperServer.class, ZooKeeperServer::fromEnvironmentOrStart,
            ChDb.class, ChDb::open);

    /** The store key of the ClickHouse server with a ZooKeeper (the plain one is keyed by its class). */
    private static final String CLICKHOUSE_WITH_ZOOKEEPER = "clickhouse-with-zookeeper";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestkitPaths.class || FACTORIES.containsKey(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        try {
            if (type == ClickHouseServer.class && parameter.isAnnotated(WithZooKeeper.class)) {
                return clickHouseWithZooKeeper(context);
            }
            return server(type, context);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot provide a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server of {@code type} this test run shares (started on first use), for other extensions: the
     * same instance a parameter of that type gets, e.g. the one chDB engine of the JVM.
     */
    public static <T> T server(Class<T> type, ExtensionContext context) {
        if (type != TestkitPaths.class && !FACTORIES.containsKey(type)) {
            throw new IllegalArgumentException("not a test server type: " + type.getName());
        }
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        TestkitPaths paths = store.getOrComputeIfAbsent(TestkitPaths.class, key -> TestkitPaths.fromEnvironment(),
                TestkitPaths.class);
        if (type == TestkitPaths.class) {
            return type.cast(paths);
        }
        Shared shared = store.getOrComputeIfAbsent(type, key -> new Shared(FACTORIES.get(type).apply(paths)), Shared.class);
        if (shared.server instanceof LocalServer local && local.restartsWhenFoundDead()) {
            local.restartIfDied(); // one test's crash of a shared server does not fail every later test
        }
        return type.cast(shared.server);
    }

    /**
     * The ClickHouse server with a ZooKeeper that this test run shares (started on first use, with the
     * run's {@link ZooKeeperServer}), for other extensions: the one a {@link WithZooKeeper} parameter gets.
     */
    public static ClickHouseServer clickHouseWithZooKeeper(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        TestkitPaths paths = server(TestkitPaths.class, context);
        String reused = System.getenv(ClickHouseServer.REUSE_WITH_ZOOKEEPER_ENV);
        if (reused == null || reused.isBlank()) {
            // ZooKeeper goes into the store first: the store closes its values in the reverse order of
            // their insertion, so the ClickHouse that uses it stops before it.
            server(ZooKeeperServer.class, context);
        }
        Shared shared = store.getOrComputeIfAbsent(CLICKHOUSE_WITH_ZOOKEEPER, key -> new Shared(
                ClickHouseServer.fromEnvironmentOrStart(paths, () -> server(ZooKeeperServer.class, context))), Shared.class);
        return (ClickHouseServer) shared.server;
    }

    /** Holds a server in the root store, which closes it when the test run ends. */
    private static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final AutoCloseable server;

        Shared(AutoCloseable server) {
            this.server = server;
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
