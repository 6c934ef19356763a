package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A ClickHouse server for tests: the Debian package's {@code clickhouse-server} (18.16 on these
 * machines) run with a private configuration on free loopback ports, or a running server named by
 * {@code TRIBUTARY_CLICKHOUSE_URL} (e.g. {@code http://127.0.0.1:8123}), reused as it is.
 */
public final class ClickHouseServer extends LocalServer {

    /** Environment variable that names a running server to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_CLICKHOUSE_URL";

    private final URI httpUrl;
    private final int tcpPort;

    private ClickHouseServer(Path dir, int httpPort, int tcpPort) {
        super("clickhouse", dir);
        this.httpUrl = URI.create("http://" + Loopback.HOST + ":" + httpPort);
        this.tcpPort = tcpPort;
    }

    private ClickHouseServer(URI httpUrl) {
        super("clickhouse");
        this.httpUrl = httpUrl;
        this.tcpPort = -1;
    }

    /** Starts a new server with its data under a fresh folder of {@code paths}. */
    public static ClickHouseServer start(TestkitPaths paths) {
        ClickHouseServer server = new ClickHouseServer(paths.newServerDir("clickhouse"),
                Loopback.freePort(), Loopback.freePort());
        server.writeConfig();
        server.start();
        return server;
    }

    /** The running server at {@code httpUrl}, which must be on loopback. */
    public static ClickHouseServer reuse(URI httpUrl) {
        ClickHouseServer server = new ClickHouseServer(Loopback.requireLoopback(httpUrl, REUSE_ENV));
        if (!ping(server.httpUrl)) {
            throw new IllegalStateException(REUSE_ENV + "=" + httpUrl + " names no running ClickHouse server (GET /ping failed)");
        }
        return server;
    }

    /** The server named by {@link #REUSE_ENV}, else a new one. */
    public static ClickHouseServer fromEnvironmentOrStart(TestkitPaths paths) {
        String url = System.getenv(REUSE_ENV);
        return url == null || url.isBlank() ? start(paths) : reuse(URI.create(url.trim()));
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
        return process;
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
                </yandex>
                """.formatted(dir, httpPort(), tcpPort);
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
