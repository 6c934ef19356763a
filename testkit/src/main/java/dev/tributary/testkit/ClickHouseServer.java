package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A ClickHouse server for tests: the Debian package's {@code clickhouse-server} (18.16 on these
 * machines) run with a private configuration on free loopback ports, or a running server named by
 * {@code TRIBUTARY_CLICKHOUSE_URL} (e.g. {@code http://127.0.0.1:8123}), reused as it is.
 *
 * <p>A server started with a {@link ZooKeeperServer} (or reused from {@code TRIBUTARY_CLICKHOUSE_ZK_URL})
 * also keeps {@code ReplicatedMergeTree} tables: its configuration names the ZooKeeper and the macros
 * {@code {shard}} = {@code 1} and {@code {replica}} = {@code r1}; {@link #replicatedMergeTree(String)}
 * gives an engine clause with a ZooKeeper path of its own.
 */
public final class ClickHouseServer extends LocalServer {

    /** Environment variable that names a running server to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_CLICKHOUSE_URL";

    /**
     * Environment variable that names a running server configured with a ZooKeeper and a
     * {@code {replica}} macro, reused instead of starting one for {@link WithZooKeeper} parameters.
     */
    public static final String REUSE_WITH_ZOOKEEPER_ENV = "TRIBUTARY_CLICKHOUSE_ZK_URL";

    /** The value of the {@code {replica}} macro on a server the test kit starts with a ZooKeeper. */
    public static final String REPLICA = "r1";

    private final URI httpUrl;
    private final int tcpPort;
    private final ZooKeeperServer zooKeeper;
    private final boolean withZooKeeper;
    /** The interserver HTTP port of a server with a ZooKeeper (replication needs one), else -1. */
    private final int interserverPort;

    private ClickHouseServer(Path dir, int httpPort, int tcpPort, ZooKeeperServer zooKeeper) {
        super("clickhouse", dir);
        this.httpUrl = URI.create("http://" + Loopback.HOST + ":" + httpPort);
        this.tcpPort = tcpPort;
        this.zooKeeper = zooKeeper;
        this.withZooKeeper = zooKeeper != null;
        this.interserverPort = zooKeeper == null ? -1 : Loopback.freePort();
    }

    private ClickHouseServer(URI httpUrl, boolean withZooKeeper) {
        super("clickhouse");
        this.httpUrl = httpUrl;
        this.tcpPort = -1;
        this.zooKeeper = null;
        this.withZooKeeper = withZooKeeper;
        this.interserverPort = -1;
    }

    /** Starts a new server with its data under a fresh folder of {@code paths}. */
    public static ClickHouseServer start(TestkitPaths paths) {
        ClickHouseServer server = new ClickHouseServer(paths.newServerDir("clickhouse"),
                Loopback.freePort(), Loopback.freePort(), null);
        server.writeConfig();
        server.start();
        return server;
    }

    /**
     * Starts a new server, like {@link #start(TestkitPaths)}, that keeps its replicated tables'
     * metadata in {@code zooKeeper} (which the caller owns and stops after this server), with the
     * macros {@code {shard}} = {@code 1} and {@code {replica}} = {@link #REPLICA}.
     */
    public static ClickHouseServer start(TestkitPaths paths, ZooKeeperServer zooKeeper) {
        if (zooKeeper == null) {
            throw new IllegalArgumentException("zooKeeper is null; use start(paths) for a server without one");
        }
        ClickHouseServer server = new ClickHouseServer(paths.newServerDir("clickhouse"),
                Loopback.freePort(), Loopback.freePort(), zooKeeper);
        server.writeConfig();
        server.start();
        return server;
    }

    /** The running server at {@code httpUrl}, which must be on loopback. */
    public static ClickHouseServer reuse(URI httpUrl) {
        ClickHouseServer server = new ClickHouseServer(Loopback.requireLoopback(httpUrl, REUSE_ENV), false);
        if (!ping(server.httpUrl)) {
            throw new IllegalStateException(REUSE_ENV + "=" + httpUrl + " names no running ClickHouse server (GET /ping failed)");
        }
        return server;
    }

    /**
     * The running server at {@code httpUrl}, which must be on loopback, be configured with a
     * ZooKeeper that answers, and define the {@code {replica}} macro.
     */
    public static ClickHouseServer reuseWithZooKeeper(URI httpUrl) {
        ClickHouseServer server = new ClickHouseServer(Loopback.requireLoopback(httpUrl, REUSE_WITH_ZOOKEEPER_ENV), true);
        if (!ping(server.httpUrl)) {
            throw new IllegalStateException(REUSE_WITH_ZOOKEEPER_ENV + "=" + httpUrl
                    + " names no running ClickHouse server (GET /ping failed)");
        }
        try {
            server.sql().value("SELECT count() FROM system.zookeeper WHERE path = '/'");
        } catch (RuntimeException e) {
            throw new IllegalStateException(REUSE_WITH_ZOOKEEPER_ENV + "=" + httpUrl + " names a server without a"
                    + " working ZooKeeper (<zookeeper> in its configuration): " + e.getMessage(), e);
        }
        if (server.sql().longValue("SELECT count() FROM system.macros WHERE macro = 'replica'") == 0) {
            throw new IllegalStateException(REUSE_WITH_ZOOKEEPER_ENV + "=" + httpUrl
                    + " names a server without a {replica} macro (<macros><replica>r1</replica></macros> in its configuration)");
        }
        return server;
    }

    /** The server named by {@link #REUSE_ENV}, else a new one. */
    public static ClickHouseServer fromEnvironmentOrStart(TestkitPaths paths) {
        String url = System.getenv(REUSE_ENV);
        return url == null || url.isBlank() ? start(paths) : reuse(URI.create(url.trim()));
    }

    /**
     * The server named by {@link #REUSE_WITH_ZOOKEEPER_ENV}, else a new one using {@code zooKeeper},
     * whose owner stops it after this server.
     */
    public static ClickHouseServer fromEnvironmentOrStart(TestkitPaths paths, Supplier<ZooKeeperServer> zooKeeper) {
        String url = System.getenv(REUSE_WITH_ZOOKEEPER_ENV);
        return url == null || url.isBlank() ? start(paths, zooKeeper.get()) : reuseWithZooKeeper(URI.create(url.trim()));
    }

    /** Whether this server keeps {@code ReplicatedMergeTree} tables (it was started or reused with a ZooKeeper). */
    public boolean hasZooKeeper() {
        return withZooKeeper;
    }

    /**
     * The engine clause of a new replicated table, to which the caller appends {@code ORDER BY ...}:
     * {@code ReplicatedMergeTree('/clickhouse/tables/<name>-<random>', '{replica}')}. The path is new at
     * each call, so that tables of one name in several databases, runs or tests (or a table dropped
     * and created again) never share their replication log and deduplication blocks.
     *
     * @param name a readable part of the ZooKeeper path, usually the table's name
     */
    public String replicatedMergeTree(String name) {
        if (!withZooKeeper) {
            throw new IllegalStateException(this + " has no ZooKeeper, so it cannot keep ReplicatedMergeTree tables;"
                    + " take a @WithZooKeeper ClickHouseServer parameter or start it with ClickHouseServer.start(paths, zooKeeper)");
        }
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("name '" + name + "' for a ZooKeeper path: letters, digits, '_', '.', '-' only");
        }
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return "ReplicatedMergeTree('/clickhouse/tables/" + name + "-" + unique + "', '{replica}')";
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:34567}. */
    public URI httpUrl() {
        return httpUrl;
    }

    /** The HTTP endpoint as a string, as the ClickHouse Java client takes it. */
    public String endpoint() {
        return httpUrl.toString();
    }

    /** The HTTP port. */
    public int httpPort() {
        return httpUrl.getPort();
    }

    /** The native-protocol port; only known for an owned server. */
    public int tcpPort() {
        if (tcpPort < 0) {
            throw new UnsupportedOperationException("the native port of a reused server is not known");
        }
        return tcpPort;
    }

    /** The user tests connect as. */
    public String user() {
        return "default";
    }

    /** That user's password (empty). */
    public String password() {
        return "";
    }

    /**
     * Restarts this (owned) server serving HTTPS as well, on {@code port}, presenting the
     * certificate chain and key in the PEM files given (e.g. {@link TestCertificates#serverCertificatePem()}
     * and {@link TestCertificates#serverKeyPem()}), and waits until the port listens. Calling it
     * again replaces the certificate. Returns the HTTPS endpoint, e.g. {@code https://127.0.0.1:34568}.
     */
    public String serveHttps(int port, Path certificateChainPem, Path keyPem) {
        if (!isOwned()) {
            throw new UnsupportedOperationException("cannot reconfigure a reused server for HTTPS");
        }
        try {
            Path configD = Files.createDirectories(dir().resolve("config.d"));
            Files.writeString(configD.resolve("https.xml"), """
                    <?xml version="1.0"?>
                    <yandex>
                        <https_port>%d</https_port>
                        <openSSL>
                            <server>
                                <certificateFile>%s</certificateFile>
                                <privateKeyFile>%s</privateKeyFile>
                                <verificationMode>none</verificationMode>
                                <loadDefaultCAFile>false</loadDefaultCAFile>
                                <cacheSessions>true</cacheSessions>
                                <disableProtocols>sslv2,sslv3</disableProtocols>
                                <preferServerCiphers>true</preferServerCiphers>
                            </server>
                        </openSSL>
                    </yandex>
                    """.formatted(port, certificateChainPem, keyPem));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the HTTPS configuration in " + dir(), e);
        }
        stop();
        start();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!Loopback.isListening(port)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("ClickHouse does not serve HTTPS on port " + port + " within 30 s; see " + logFile());
            }
            try {
                Thread.sleep(50); // polling the port, with the deadline above
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for HTTPS on port " + port, e);
            }
        }
        return "https://" + Loopback.HOST + ":" + port;
    }

    /** A SQL helper for the {@code default} database. */
    public ClickHouseSql sql() {
        return new ClickHouseSql(httpUrl, "default", user(), password());
    }

    /** A SQL helper for another database. */
    public ClickHouseSql sql(String database) {
        return sql().inDatabase(database);
    }

    @Override
    ManagedProcess launch() {
        Path dir = dir();
        ManagedProcess process = ManagedProcess.start(name(), dir, "stdout.log",
                List.of(binary(), "--config-file=" + dir.resolve("config.xml")), Map.of());
        process.awaitReady(java.time.Duration.ofSeconds(60), () -> ping(httpUrl));
        if (withZooKeeper) {
            // Up is not ready: right after a start the server's first ZooKeeper session can still fail its
            // handshake ("All connection tries failed ... while receiving handshake"), and with it the first
            // CREATE of a ReplicatedMergeTree (seen in CI). Ready is when it reads ZooKeeper's root.
            process.awaitReady(java.time.Duration.ofSeconds(60), this::readsZooKeeper);
        }
        return process;
    }

    private boolean readsZooKeeper() {
        try {
            sql().longValue("SELECT count() FROM system.zookeeper WHERE path = '/'");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String binary() {
        String configured = System.getenv("TRIBUTARY_CLICKHOUSE_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String candidate : List.of("/usr/sbin/clickhouse-server", "/usr/bin/clickhouse-server", "/usr/local/bin/clickhouse-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("clickhouse-server is not installed; run scripts/setup.sh (apt package"
                + " clickhouse-server), set TRIBUTARY_CLICKHOUSE_SERVER to the binary, or set " + REUSE_ENV
                + " to a running server");
    }

    private void writeConfig() {
        Path dir = dir();
        String config = """
                <?xml version="1.0"?>
                <yandex>
                    <logger>
                        <level>information</level>
                        <log>%1$s/log/clickhouse-server.log</log>
                        <errorlog>%1$s/log/clickhouse-server.err.log</errorlog>
                        <size>100M</size>
                        <count>2</count>
                    </logger>
                    <listen_host>127.0.0.1</listen_host>
                    <http_port>%2$d</http_port>
                    <tcp_port>%3$d</tcp_port>
                    <path>%1$s/data/</path>
                    <tmp_path>%1$s/tmp/</tmp_path>
                    <user_files_path>%1$s/user_files/</user_files_path>
                    <format_schema_path>%1$s/format_schemas/</format_schema_path>
                    <users_config>%1$s/users.xml</users_config>
                    <default_profile>default</default_profile>
                    <default_database>default</default_database>
                    <timezone>UTC</timezone>
                    <mark_cache_size>268435456</mark_cache_size>
                    <max_concurrent_queries>200</max_concurrent_queries>
                    <keep_alive_timeout>3</keep_alive_timeout>
                    <query_log>
                        <database>system</database>
                        <table>query_log</table>
                        <flush_interval_milliseconds>1000</flush_interval_milliseconds>
                    </query_log>
                    <kafka>
                        <auto_offset_reset>smallest</auto_offset_reset>
                    </kafka>
                %4$s</yandex>
                """.formatted(dir, httpPort(), tcpPort, zooKeeperConfig());
        String users = """
                <?xml version="1.0"?>
                <yandex>
                    <profiles>
                        <default>
                            <allow_experimental_low_cardinality_type>1</allow_experimental_low_cardinality_type>
                            <input_format_skip_unknown_fields>1</input_format_skip_unknown_fields>
                        </default>
                    </profiles>
                    <users>
                        <default>
                            <password></password>
                            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
                            <profile>default</profile>
                            <quota>default</quota>
                        </default>
                    </users>
                    <quotas>
                        <default>
                            <interval>
                                <duration>3600</duration>
                                <queries>0</queries>
                                <errors>0</errors>
                                <result_rows>0</result_rows>
                                <read_rows>0</read_rows>
                                <execution_time>0</execution_time>
                            </interval>
                        </default>
                    </quotas>
                </yandex>
                """;
        try {
            for (String sub : List.of("log", "data", "tmp", "user_files", "format_schemas")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.writeString(dir.resolve("config.xml"), config);
            Files.writeString(dir.resolve("users.xml"), users);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ClickHouse configuration in " + dir, e);
        }
    }

    /**
     * The {@code <zookeeper>}, {@code <macros>} and interserver elements of a server started with a
     * ZooKeeper, else nothing. Without an interserver HTTP port a replica never starts (the restarting
     * thread fails), so it is never leader: no merge is chosen and 300 inserts later the table refuses
     * more ("Too many parts").
     */
    private String zooKeeperConfig() {
        if (zooKeeper == null) {
            return "";
        }
        return """
                    <zookeeper>
                        <node><host>%s</host><port>%d</port></node>
                    </zookeeper>
                    <macros>
                        <shard>1</shard>
                        <replica>%s</replica>
                    </macros>
                    <interserver_http_host>%s</interserver_http_host>
                    <interserver_http_port>%d</interserver_http_port>
                """.formatted(zooKeeper.host(), zooKeeper.port(), REPLICA, Loopback.HOST, interserverPort);
    }

    private static boolean ping(URI httpUrl) {
        try {
            HttpURLConnection connection = (HttpURLConnection) httpUrl.resolve("/ping").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }
}
