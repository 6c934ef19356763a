package dev.tributary.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A DynamoDB API server for tests, where the Kinesis Client Library keeps its leases: dynalite (npm
 * {@code dynalite}, DynamoDB on LevelDB, pinned by {@code scripts/deps/dynalite/package-lock.json})
 * run with Node.js on 127.0.0.1, its tables on disk in the server's folder (so a restart keeps them),
 * or a running one named by {@code TRIBUTARY_DYNAMODB_ENDPOINT}, reused as it is.
 *
 * <p>dynalite has no point-in-time recovery, no deletion protection and no UpdateTimeToLive: clients
 * must leave those options off. It accepts any credentials; {@link #accessKeyId()} and
 * {@link #secretAccessKey()} are placeholders for the SDK.
 */
public final class Dynalite extends LocalServer {

    /** Environment variable that names a running server to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_DYNAMODB_ENDPOINT";

    private final TestkitPaths paths;
    private final URI endpoint;

    private Dynalite(TestkitPaths paths, Path dir, int port) {
        super("dynalite", dir);
        this.paths = paths;
        this.endpoint = URI.create("http://" + Loopback.HOST + ":" + port);
    }

    private Dynalite(URI endpoint) {
        super("dynalite");
        this.paths = null;
        this.endpoint = endpoint;
    }

    /** Starts a new server in a fresh folder of {@code paths}. */
    public static Dynalite start(TestkitPaths paths) {
        Dynalite server = new Dynalite(paths, paths.newServerDir("dynalite"), Loopback.freePort());
        server.start();
        return server;
    }

    /** The running server at {@code endpoint}, which must be on loopback. */
    public static Dynalite reuse(URI endpoint) {
        return new Dynalite(Loopback.requireLoopback(endpoint, REUSE_ENV));
    }

    /** The server named by {@link #REUSE_ENV}, else a new one. */
    public static Dynalite fromEnvironmentOrStart(TestkitPaths paths) {
        String url = System.getenv(REUSE_ENV);
        return url == null || url.isBlank() ? start(paths) : reuse(URI.create(url.trim()));
    }

    /** The HTTP endpoint, for {@code endpointOverride} of a {@code DynamoDbAsyncClient}. */
    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return "us-east-1";
    }

    public String accessKeyId() {
        return "tributary-test-access-key";
    }

    public String secretAccessKey() {
        return "tributary-test-secret-key";
    }

    @Override
    Duration stopGrace() {
        return Duration.ofSeconds(5);
    }

    @Override
    ManagedProcess launch() {
        Path pkg = paths.requireInstalled("dynalite/node_modules/dynalite", "dynalite (npm dynalite)");
        List<String> command = List.of(NodeJs.executable(), pkg.resolve("cli.js").toString(),
                "--host", Loopback.HOST,
                "--port", Integer.toString(endpoint.getPort()),
                "--path", dir().resolve("data").toString(),
                // Tables are ACTIVE after this long; the default 500 ms only slows tests down.
                "--createTableMs", "50",
                "--deleteTableMs", "50",
                "--updateTableMs", "50");
        ManagedProcess process = ManagedProcess.start(name(), dir(), "dynalite.log", command, Map.of());
        process.awaitReady(Duration.ofSeconds(60), () -> Loopback.isListening(endpoint.getPort()));
        return process;
    }
}
