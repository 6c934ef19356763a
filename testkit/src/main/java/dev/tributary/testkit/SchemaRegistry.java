package dev.tributary.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A schema registry that speaks the Confluent Schema Registry REST API: Apicurio Registry 3.3.3
 * (in-memory storage) run on a JDK 21 or newer, or a running registry named by
 * {@code TRIBUTARY_SCHEMA_REGISTRY_URL} (its Confluent-API root, e.g.
 * {@code http://127.0.0.1:8081/apis/ccompat/v7}), reused as it is.
 */
public final class SchemaRegistry extends LocalServer {

    /** Environment variable that names a running registry to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_SCHEMA_REGISTRY_URL";

    static final String APICURIO_VERSION = "3.3.3";
    private static final String CONFLUENT_API = "/apis/ccompat/v7";

    private final TestkitPaths paths;
    private final URI confluentUrl;
    private final int managementPort;

    private SchemaRegistry(TestkitPaths paths, Path dir, int port, int managementPort) {
        super("schema-registry", dir);
        this.paths = paths;
        this.confluentUrl = URI.create("http://" + Loopback.HOST + ":" + port + CONFLUENT_API);
        this.managementPort = managementPort;
    }

    private SchemaRegistry(URI confluentUrl) {
        super("schema-registry");
        this.paths = null;
        this.confluentUrl = confluentUrl;
        this.managementPort = -1;
    }

    /** Starts a new registry in a fresh folder of {@code paths}. */
    public static SchemaRegistry start(TestkitPaths paths) {
        SchemaRegistry registry = new SchemaRegistry(paths, paths.newServerDir("schema-registry"),
                Loopback.freePort(), Loopback.freePort());
        registry.start();
        return registry;
    }

    /** The running registry whose Confluent-API root is {@code confluentUrl}, which must be on loopback. */
    public static SchemaRegistry reuse(URI confluentUrl) {
        SchemaRegistry registry = new SchemaRegistry(Loopback.requireLoopback(confluentUrl, REUSE_ENV));
        if (!registry.answers()) {
            throw new IllegalStateException(REUSE_ENV + "=" + confluentUrl + " names no running registry"
                    + " (GET /subjects failed)");
        }
        return registry;
    }

    /** The registry named by {@link #REUSE_ENV}, else a new one. */
    public static SchemaRegistry fromEnvironmentOrStart(TestkitPaths paths) {
        String url = System.getenv(REUSE_ENV);
        return url == null || url.isBlank() ? start(paths) : reuse(URI.create(url.trim()));
    }

    /** The root of the Confluent-compatible API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public URI url() {
        return confluentUrl;
    }

    @Override
    ManagedProcess launch() {
        Path home = paths.requireInstalled("apicurio-registry-" + APICURIO_VERSION, "Apicurio Registry " + APICURIO_VERSION);
        List<String> command = List.of(java21(), "-Xms128m", "-Xmx768m",
                "-Dquarkus.http.host=" + Loopback.HOST,
                "-Dquarkus.http.port=" + confluentUrl.getPort(),
                "-Dquarkus.management.host=" + Loopback.HOST,
                "-Dquarkus.management.port=" + managementPort,
                "-jar", home.resolve("quarkus-run.jar").toString());
        ManagedProcess process = ManagedProcess.start(name(), dir(), "registry.log", command, Map.of());
        process.awaitReady(Duration.ofSeconds(120), this::answers);
        return process;
    }

    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(confluentUrl + "/subjects").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The newest JDK of version 21 or more: {@code TRIBUTARY_REGISTRY_JAVA_HOME}, this JVM if it is
     * new enough, else the newest under {@code /usr/lib/jvm}.
     */
    private static String java21() {
        String configured = System.getenv("TRIBUTARY_REGISTRY_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured, "bin", "java").toString();
        }
        if (Runtime.version().feature() >= 21) {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }
        Optional<Path> newest = Optional.empty();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> homes = Files.list(jvms)) {
                newest = homes.filter(home -> Files.isExecutable(home.resolve("bin/java")) && featureVersion(home) >= 21)
                        .max(Comparator.comparingInt(SchemaRegistry::featureVersion));
            } catch (IOException e) {
                // fall through to the error below
            }
        }
        return newest.map(home -> home.resolve("bin/java").toString()).orElseThrow(() -> new IllegalStateException(
                "the schema registry (Apicurio " + APICURIO_VERSION + ") needs Java 21 or newer and none was found"
                        + " under /usr/lib/jvm; run scripts/setup.sh or set TRIBUTARY_REGISTRY_JAVA_HOME"));
    }

    private static int featureVersion(Path javaHome) {
        try {
            Path release = javaHome.resolve("release");
            if (Files.exists(release)) {
                Matcher matcher = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown version
        }
        return 0;
    }
}
