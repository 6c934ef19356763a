package dev.tributary.avro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.core.RetriableException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API (Confluent, Redpanda, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, ...), for Avro schemas.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder()
 *         .url("https://registry.example.com")            // or .../schemas/ids/42, .../subjects/events-value
 *         .basicAuth("key", "secret")
 *         .build();
 * RegisteredSchema schema = registry.schemaById(42);
 * }</pre>
 *
 * <p>Schemas are cached by id forever (a registered schema never changes); an unknown id is
 * remembered for a minute, so that a burst of messages with a bad id costs one request. Each
 * request is tried up to {@link Builder#maxAttempts} times on network errors, timeouts, 5xx and
 * 429 answers; after that, and at once for 401/403, a {@link RetriableException} says the registry
 * is unavailable (a pipeline then waits and tries again). A definite "no" — unknown id, subject or
 * version, a schema that is not Avro — is a {@link SchemaLookupException}. Schema references are
 * resolved. Credentials are never logged, printed or put into exception messages. Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final long UNKNOWN_ID_MEMORY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int MAX_UNKNOWN_IDS = 10_000;

    private final RegistryUrl url;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration retryBackoff;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, RegisteredSchema> byId = new ConcurrentHashMap<>();
    private final Map<String, RegisteredSchema> byVersion = new ConcurrentHashMap<>();
    private final Map<Integer, UnknownId> unknownIds = new ConcurrentHashMap<>();
    private volatile RegisteredSchema fixed;

    private record UnknownId(long untilNanos, SchemaLookupException failure) {
    }

    private SchemaRegistryClient(Builder builder, RegistryUrl url, String authorization) {
        this.url = url;
        this.authorization = authorization;
        this.requestTimeout = builder.requestTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.retryBackoff = builder.retryBackoff;
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1);
        if (builder.caPem != null) {
            http.sslContext(PemTrust.sslContext(builder.caPem, builder.caOrigin));
        }
        this.http = http.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registry URL as configured, without credentials. */
    public String url() {
        return url.toString();
    }

    /** Whether the URL names one schema ({@code /schemas/ids/<id>} or {@code /subjects/<subject>...}). */
    public boolean hasFixedSchema() {
        return url.isFixed();
    }

    /**
     * The schema the URL names: by id, or the subject's version (its latest version when the URL
     * gives none, looked up once and then kept).
     *
     * @throws IllegalStateException if the URL is the registry's root
     */
    public RegisteredSchema fixedSchema() throws SchemaLookupException {
        RegisteredSchema known = fixed;
        if (known != null) {
            return known;
        }
        if (url.schemaId() != null) {
            known = schemaById(url.schemaId());
        } else if (url.subject() != null) {
            known = subjectVersion(url.subject(), url.version());
        } else {
            throw new IllegalStateException("the registry URL " + url + " is the registry's root, which names no schema;"
                    + " use <root>/schemas/ids/<id> or <root>/subjects/<subject>[/versions/<version>]");
        }
        fixed = known;
        return known;
    }

    /** The schema with this global id. */
    public RegisteredSchema schemaById(int id) throws SchemaLookupException {
        RegisteredSchema known = byId.get(id);
        if (known != null) {
            return known;
        }
        UnknownId unknown = unknownIds.get(id);
        if (unknown != null) {
            if (System.nanoTime() - unknown.untilNanos < 0) {
                throw new SchemaLookupException(unknown.failure.getMessage(), unknown.failure.errorCode());
            }
            unknownIds.remove(id);
        }
        String what = "schema id " + id;
        JsonNode answer;
        try {
            answer = get(url.schemaById(id), what);
        } catch (SchemaLookupException e) {
            if (unknownIds.size() >= MAX_UNKNOWN_IDS) {
                unknownIds.clear();
            }
            unknownIds.put(id, new UnknownId(System.nanoTime() + UNKNOWN_ID_MEMORY_NANOS, e));
            throw e;
        }
        RegisteredSchema schema = new RegisteredSchema(id, parse(answer, what), null, 0);
        RegisteredSchema raced = byId.putIfAbsent(id, schema);
        if (raced == null) {
            LOG.info("schema registry {}: fetched {}", url.root(), schema);
        }
        return raced == null ? schema : raced;
    }

    /** A version of a subject: a number, or {@code latest} (which is looked up every time). */
    public RegisteredSchema subjectVersion(String subject, String version) throws SchemaLookupException {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(version, "version");
        String key = subject + "\u0000" + version;
        RegisteredSchema known = byVersion.get(key);
        if (known != null) {
            return known;
        }
        String what = "subject " + subject + " version " + version;
        JsonNode answer = get(url.subjectVersion(subject, version), what);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaLookupException("the registry's answer for " + what + " has no schema id", 0);
        }
        RegisteredSchema schema = new RegisteredSchema(id, parse(answer, what), subject, answer.path("version").asInt());
        byId.putIfAbsent(id, new RegisteredSchema(id, schema.schema(), null, 0));
        if (!version.equals("latest")) {
            byVersion.put(key, schema);
        }
        return schema;
    }

    /** The latest version of a subject. */
    public RegisteredSchema latest(String subject) throws SchemaLookupException {
        return subjectVersion(subject, "latest");
    }

    /**
     * Registers {@code schema} under {@code subject} (or finds it registered) and returns its id.
     * Producers do this; Tributary itself only reads.
     */
    public int register(String subject, Schema schema) throws SchemaLookupException {
        ObjectNode body = json.createObjectNode().put("schema", schema.toString());
        HttpRequest request = request(url.subjectVersions(subject))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        JsonNode answer = send(request, "registering a schema under subject " + subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaLookupException("the registry's answer to registering a schema under subject " + subject
                    + " has no id: " + abbreviate(answer.toString()), 0);
        }
        return id;
    }

    private JsonNode get(URI uri, String what) throws SchemaLookupException {
        return send(request(uri).GET().build(), what);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    /** Sends with bounded retries; a definite refusal is a {@link SchemaLookupException}, an outage a {@link RetriableException}. */
    private JsonNode send(HttpRequest request, String what) throws SchemaLookupException {
        String where = request.method() + " " + request.uri();
        String lastProblem = null;
        Exception lastCause = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                pause(retryBackoff.multipliedBy(1L << Math.min(attempt - 2, 10)), what);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
                lastCause = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while asking the schema registry for " + what, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return readJson(response.body(), what, where);
            }
            JsonNode error = readErrorBody(response.body());
            int errorCode = error.path("error_code").asInt(0);
            String message = error.path("message").asText(abbreviate(response.body()));
            if (status == 401 || status == 403) {
                throw new RetriableException("the schema registry refused the credentials (HTTP " + status + ") for " + what
                        + " at " + where + "; check basicAuth: " + message, null);
            }
            if (status == 404 && errorCode == 0) {
                // No registry error code: most likely the URL is not the registry's API root. Waiting
                // is safer than sending every message to the error table.
                throw new RetriableException("the schema registry answered HTTP 404 without an error code for " + what
                        + " at " + where + "; is " + url.root() + " the root of the Confluent API"
                        + " (for Apicurio .../apis/ccompat/v7)?", null);
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                throw new SchemaLookupException(what + " is not in the schema registry at " + url.root() + " (HTTP " + status
                        + (errorCode == 0 ? "" : ", error " + errorCode) + ": " + message + ")", errorCode);
            }
            lastProblem = "HTTP " + status + ": " + message;
            lastCause = null;
        }
        throw new RetriableException("the schema registry at " + url.root() + " is unavailable: " + where + " failed "
                + maxAttempts + (maxAttempts == 1 ? " time" : " times") + ", last: " + lastProblem, lastCause);
    }

    private void pause(Duration delay, String what) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while asking the schema registry for " + what, e);
        }
    }

    private JsonNode readJson(String body, String what, String where) throws SchemaLookupException {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new SchemaLookupException("the schema registry's answer for " + what + " (" + where + ") is not JSON: "
                    + abbreviate(body), e);
        }
    }

    private JsonNode readErrorBody(String body) {
        try {
            JsonNode node = json.readTree(body);
            return node == null ? json.createObjectNode() : node;
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    /** The Avro schema of a registry answer, its references parsed first into the same parser. */
    private Schema parse(JsonNode answer, String what) throws SchemaLookupException {
        String type = answer.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw new SchemaLookupException(what + " is a " + type + " schema; only Avro schemas can be decoded", 0);
        }
        Schema.Parser parser = new Schema.Parser();
        addReferences(answer.path("references"), parser, new HashSet<>(), what);
        try {
            return parser.parse(answer.path("schema").asText());
        } catch (SchemaParseException | IllegalArgumentException e) {
            throw new SchemaLookupException(what + " does not parse as an Avro schema: " + e.getMessage(), e);
        }
    }

    private void addReferences(JsonNode references, Schema.Parser parser, Set<String> seen, String what)
            throws SchemaLookupException {
        for (JsonNode reference : references) {
            String subject = reference.path("subject").asText();
            String version = reference.path("version").asText("latest");
            if (!seen.add(subject + "\u0000" + version)) {
                continue;
            }
            String referenceWhat = "subject " + subject + " version " + version + " (referenced by " + what + ")";
            JsonNode answer = get(url.subjectVersion(subject, version), referenceWhat);
            addReferences(answer.path("references"), parser, seen, referenceWhat);
            try {
                parser.parse(answer.path("schema").asText());
            } catch (SchemaParseException | IllegalArgumentException e) {
                throw new SchemaLookupException(referenceWhat + " does not parse as an Avro schema: " + e.getMessage(), e);
            }
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 199) + "…";
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + url + (authorization == null ? "" : ", basic auth") + "]";
    }

    /** Settings of a {@link SchemaRegistryClient}; {@link #build()} checks them and names the wrong one. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private String caPem;
        private String caOrigin;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);

        private Builder() {
        }

        /**
         * The registry: its root ({@code https://registry.example.com}, for Apicurio
         * {@code .../apis/ccompat/v7}), or a URL that names one schema,
         * {@code <root>/schemas/ids/<id>} or {@code <root>/subjects/<subject>[/versions/<version>]}.
         * Required.
         */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** HTTP basic authentication (Confluent Cloud: the API key and secret). */
        public Builder basicAuth(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Trusts the certificate authorities in this PEM file (and only those) for an https registry. */
        public Builder trustedCertificates(Path pemFile) {
            Objects.requireNonNull(pemFile, "pemFile");
            try {
                this.caPem = Files.readString(pemFile, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IllegalArgumentException("SchemaRegistryClient: cannot read the CA file " + pemFile + ": " + e, e);
            }
            this.caOrigin = pemFile.toString();
            return this;
        }

        /** Trusts the certificate authorities in this PEM text (and only those) for an https registry. */
        public Builder trustedCertificatesPem(String pem) {
            this.caPem = Objects.requireNonNull(pem, "pem");
            this.caOrigin = "the PEM text given";
            return this;
        }

        /** How long connecting may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long one request may take (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /** How many times a request is tried before the registry counts as unavailable (default 3). */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /** The wait before the second attempt, doubled for each further one (default 200 ms). */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = backoff;
            return this;
        }

        public SchemaRegistryClient build() {
            RegistryUrl parsed;
            try {
                parsed = RegistryUrl.parse(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SchemaRegistryClient: " + e.getMessage() + "; call url(...)", e);
            }
            String authUser = user;
            String authPassword = password;
            if (parsed.userInfo() != null) {
                if (user != null) {
                    throw new IllegalArgumentException("SchemaRegistryClient: credentials are given twice, in the URL and with"
                            + " basicAuth(...); keep only basicAuth(...)");
                }
                int colon = parsed.userInfo().indexOf(':');
                authUser = colon < 0 ? parsed.userInfo() : parsed.userInfo().substring(0, colon);
                authPassword = colon < 0 ? "" : parsed.userInfo().substring(colon + 1);
            }
            if (authUser != null && (authUser.isEmpty() || authUser.indexOf(':') >= 0 || authPassword == null)) {
                throw new IllegalArgumentException("SchemaRegistryClient: basicAuth needs a user without ':' and a password"
                        + " (may be empty); call basicAuth(user, password)");
            }
            requirePositive(connectTimeout, "connectTimeout", "connectTimeout(Duration.ofSeconds(10))");
            requirePositive(requestTimeout, "requestTimeout", "requestTimeout(Duration.ofSeconds(30))");
            if (retryBackoff == null || retryBackoff.isNegative()) {
                throw new IllegalArgumentException("SchemaRegistryClient: retryBackoff must be zero or positive, was "
                        + retryBackoff + "; e.g. retryBackoff(Duration.ofMillis(200))");
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("SchemaRegistryClient: maxAttempts must be 1 to 10, was " + maxAttempts
                        + "; a pipeline waits and retries on its own after a failed lookup");
            }
            if (caPem != null && !parsed.root().getScheme().equals("https")) {
                throw new IllegalArgumentException("SchemaRegistryClient: trusted certificates are given, but the URL "
                        + parsed + " is not https://");
            }
            String authorization = authUser == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((authUser + ":" + authPassword).getBytes(StandardCharsets.UTF_8));
            return new SchemaRegistryClient(this, parsed, authorization);
        }

        private static void requirePositive(Duration value, String setting, String example) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("SchemaRegistryClient: " + setting + " must be positive, was " + value
                        + "; e.g. " + example);
            }
        }
    }
}
