package dev.tributary.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A ZooKeeper server for tests, so that ClickHouse 18.16 can keep {@code ReplicatedMergeTree}
 * tables (see {@link ClickHouseServer#start(TestkitPaths, ZooKeeperServer)}): ZooKeeper 3.9.5
 * standalone, from the jars {@code scripts/setup.sh} resolves, in its own JVM on a free loopback port
 * with its data in a fresh folder and its admin server off; or a running server named by
 * {@code TRIBUTARY_ZOOKEEPER} (e.g. {@code 127.0.0.1:2181}), reused as it is.
 */
public final class ZooKeeperServer extends LocalServer {

    /** Environment variable that names a running ZooKeeper ({@code host:port}) to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_ZOOKEEPER";

    static final String ZOOKEEPER_VERSION = "3.9.5";

    private final TestkitPaths paths;
    private final String host;
    private final int port;

    private ZooKeeperServer(TestkitPaths paths, Path dir, int port) {
        super("zookeeper", dir);
        this.paths = paths;
        this.host = Loopback.HOST;
        this.port = port;
    }

    private ZooKeeperServer(String host, int port) {
        super("zookeeper");
        this.paths = null;
        this.host = host;
        this.port = port;
    }

    /** Starts a new server with its data in a fresh folder of {@code paths}. */
    public static ZooKeeperServer start(TestkitPaths paths) {
        ZooKeeperServer server = new ZooKeeperServer(paths, paths.newServerDir("zookeeper"), Loopback.freePort());
        server.writeConfig();
        server.start();
        return server;
    }

    /** The running server at {@code hostPort} (e.g. {@code 127.0.0.1:2181}), which must be on loopback. */
    public static ZooKeeperServer reuse(String hostPort) {
        Loopback.requireLoopbackHostPort(hostPort, REUSE_ENV);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.contains(",")) {
            throw new IllegalArgumentException(REUSE_ENV + "=" + hostPort + ": expected one host:port, e.g. 127.0.0.1:2181");
        }
        ZooKeeperServer server = new ZooKeeperServer(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        if (!server.accepts()) {
            throw new IllegalStateException(REUSE_ENV + "=" + hostPort + " names no running ZooKeeper (nothing accepts connections there)");
        }
        return server;
    }

    /** The server named by {@link #REUSE_ENV}, else a new one. */
    public static ZooKeeperServer fromEnvironmentOrStart(TestkitPaths paths) {
        String hostPort = System.getenv(REUSE_ENV);
        return hostPort == null || hostPort.isBlank() ? start(paths) : reuse(hostPort.trim());
    }

    /** The client host, {@code 127.0.0.1} for an owned server. */
    public String host() {
        return host;
    }

    /** The client port. */
    public int port() {
        return port;
    }

    /** {@code host:port}, as ZooKeeper clients take it. */
    public String connectString() {
        return host + ":" + port;
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(10);
    }

    @Override
    ManagedProcess launch() {
        Path lib = paths.requireInstalled("zookeeper-" + ZOOKEEPER_VERSION + "/lib", "ZooKeeper " + ZOOKEEPER_VERSION);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", lib + "/*", "org.apache.zookeeper.server.ZooKeeperServerMain", dir().resolve("zoo.cfg").toString());
        ManagedProcess process = ManagedProcess.start(name(), dir(), "server.log", command, Map.of());
        process.awaitReady(Duration.ofSeconds(60), this::serves);
        return process;
    }

    private void writeConfig() {
        Path dir = dir();
        // The admin server would open port 8080 on every interface: off. "ruok" is the readiness probe.
        List<String> config = List.of(
                "tickTime=2000",
                "dataDir=" + dir.resolve("data"),
                "clientPort=" + port,
                "clientPortAddress=" + Loopback.HOST,
                "admin.enableServer=false",
                "4lw.commands.whitelist=ruok,srvr",
                "maxClientCnxns=0");
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.write(dir.resolve("zoo.cfg"), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ZooKeeper configuration in " + dir, e);
        }
    }

    /** Whether the server answers {@code imok} to {@code ruok}: it serves clients. */
    private boolean serves() {
        return "imok".equals(fourLetterWord("ruok"));
    }

    private boolean accepts() {
        return fourLetterWord("srvr") != null;
    }

    private String fourLetterWord(String word) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return null;
        }
    }
}
