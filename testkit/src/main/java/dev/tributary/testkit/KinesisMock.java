package dev.tributary.testkit;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Kinesis API server for tests: kinesis-mock (npm {@code kinesis-local}, pinned by
 * {@code scripts/deps/kinesis-mock/package-lock.json}) run with Node.js, or a running one named by
 * {@code TRIBUTARY_KINESIS_ENDPOINT} (e.g. {@code http://127.0.0.1:4568}), reused as it is.
 *
 * <p>kinesis-mock binds every interface; tests reach it only through 127.0.0.1. It accepts any
 * credentials; {@link #accessKeyId()} and {@link #secretAccessKey()} are placeholders for the SDK.
 */
public final class KinesisMock extends LocalServer {

    /** Environment variable that names a running server to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_KINESIS_ENDPOINT";

    private final TestkitPaths paths;
    private final URI endpoint;
    private final int tlsPort;

    private KinesisMock(TestkitPaths paths, Path dir, int plainPort, int tlsPort) {
        super("kinesis-mock", dir);
        this.paths = paths;
        this.endpoint = URI.create("http://" + Loopback.HOST + ":" + plainPort);
        this.tlsPort = tlsPort;
    }

    private KinesisMock(URI endpoint) {
        super("kinesis-mock");
        this.paths = null;
        this.endpoint = endpoint;
        this.tlsPort = -1;
    }

    /** Starts a new server in a fresh folder of {@code paths}. */
    public static KinesisMock start(TestkitPaths paths) {
        KinesisMock server = new KinesisMock(paths, paths.newServerDir("kinesis-mock"), Loopback.freePort(), Loopback.freePort());
        server.start();
        return server;
    }

    /** The running server at {@code endpoint}, which must be on loopback. */
    public static KinesisMock reuse(URI endpoint) {
        return new KinesisMock(Loopback.requireLoopback(endpoint, REUSE_ENV));
    }

    /** The server named by {@link #REUSE_ENV}, else a new one. */
    public static KinesisMock fromEnvironmentOrStart(TestkitPaths paths) {
        String url = System.getenv(REUSE_ENV);
        return url == null || url.isBlank() ? start(paths) : reuse(URI.create(url.trim()));
    }

    /** The plain-HTTP endpoint (HTTP/1.1 and HTTP/2), for {@code endpointOverride}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The HTTPS endpoint (a self-signed certificate); only known for an owned server. */
    public URI tlsEndpoint() {
        if (tlsPort < 0) {
            throw new UnsupportedOperationException("the TLS port of a reused kinesis-mock is not known");
        }
        return URI.create("https://" + Loopback.HOST + ":" + tlsPort);
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

    /** kinesis-mock (Node.js) once died under load in a full run: the next test class gets a new one on the same ports. */
    @Override
    boolean restartsWhenFoundDead() {
        return true;
    }

    @Override
    Duration stopGrace() {
        // kinesis-mock sometimes ignores SIGTERM: do not wait long before SIGKILL.
        return Duration.ofSeconds(3);
    }

    @Override
    ManagedProcess launch() {
        Path pkg = paths.requireInstalled("kinesis-mock/node_modules/kinesis-local", "kinesis-mock (npm kinesis-local)");
        Map<String, String> environment = Map.of(
                "KINESIS_MOCK_CERT_PATH", pkg.resolve("server.json").toString(),
                "KINESIS_MOCK_PLAIN_PORT", Integer.toString(endpoint.getPort()),
                "KINESIS_MOCK_TLS_PORT", Integer.toString(tlsPort),
                "AWS_REGION", region(),
                "SHARD_LIMIT", "2000",
                "ON_DEMAND_STREAM_COUNT_LIMIT", "100",
                "LOG_LEVEL", "WARN");
        ManagedProcess process = ManagedProcess.start(name(), dir(), "kinesis-mock.log",
                List.of(NodeJs.executable(), pkg.resolve("main.js").toString()), environment);
        process.awaitReady(Duration.ofSeconds(60), () -> Loopback.isListening(endpoint.getPort()));
        return process;
    }
}
