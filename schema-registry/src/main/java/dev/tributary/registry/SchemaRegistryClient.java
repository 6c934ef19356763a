package dev.tributary.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.core.RetriableException;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the Confluent Schema Registry REST API (Confluent, Redpanda, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, ...): the one client of the Avro and the Protobuf modules. It
 * returns schemas as text with their type and references ({@link RegisteredSchema}); each format
 * module parses them (Avro's {@code dev.tributary.avro.SchemaRegistryClient} is the Avro view of it).
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
 * version — is a {@link SchemaLookupException}. Schema references are
 * resolved by {@link #references}. Credentials are never logged, printed or put into exception messages, and are sent
 * only to the configured origin (scheme, host and port): redirects are followed by this class, not
 * by java.net.http (whose JDK 17 versions forward the Authorization header to any host), at most
 * 5 of them, never from https to http, and without credentials when they lead
 * elsewhere. An answer longer than {@link Builder#maxResponseBytes} is refused unread, and the
 * {@link Builder#requestTimeout} bounds each attempt whole, redirects and a trickling body
 * included. Thread-safe.
 */
public final class SchemaRegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final long UNKNOWN_ID_MEMORY_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int MAX_UNKNOWN_IDS = 10_000;
    /** As many as java.net.http follows by default. */
    static final int MAX_REDIRECTS = 5;
    static final long DEFAULT_MAX_RESPONSE_BYTES = 4L << 20;
    /** Deeper reference chains are refused: a cycle through "latest" versions must end. */
    static final int MAX_REFERENCE_DEPTH = 32;

    private final RegistryUrl url;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Backoff backoff;
    private final long maxResponseBytes;
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
        // Doubling up to 1024 times the first delay (at most 10 attempts reach it), with jitter.
        this.backoff = new Backoff(builder.retryBackoff, builder.retryBackoff.multipliedBy(1024));
        this.maxResponseBytes = builder.maxResponseBytes;
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // followed in send(), where credentials are kept in check
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

    /** The schema with this global id (cached forever: a registered schema never changes). */
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
        RegisteredSchema schema = raw(id, answer, null, 0, what);
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
        RegisteredSchema schema = raw(id, answer, subject, answer.path("version").asInt(), what);
        byId.putIfAbsent(id, schema.byId());
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
     * Registers the schema {@code text} of {@code schemaType} ({@code AVRO}, {@code PROTOBUF},
     * {@code JSON}) with its references under {@code subject} (or finds it registered) and returns
     * its id. Producers do this; Tributary itself only reads.
     */
    public int register(String subject, String schemaType, String text, List<SchemaReference> references)
            throws SchemaLookupException {
        ObjectNode body = json.createObjectNode().put("schema", text);
        if (!schemaType.equalsIgnoreCase("AVRO")) {
            body.put("schemaType", schemaType.toUpperCase(java.util.Locale.ROOT));
        }
        if (!references.isEmpty()) {
            ArrayNode refs = body.putArray("references");
            for (SchemaReference reference : references) {
                ObjectNode ref = refs.addObject().put("name", reference.name()).put("subject", reference.subject());
                if (reference.version().matches("[0-9]{1,9}")) {
                    ref.put("version", Integer.parseInt(reference.version()));
                } else {
                    ref.put("version", reference.version());
                }
            }
        }
        JsonNode answer = send(new Call("POST", url.subjectVersions(subject), body.toString()),
                "registering a schema under subject " + subject);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaLookupException("the registry's answer to registering a schema under subject " + subject
                    + " has no id: " + abbreviate(answer.toString()), 0);
        }
        return id;
    }

    /**
     * The schemas {@code schema} references, and those they reference, each once, dependencies
     * before the schemas that import them (the order a parser needs). A reference names a subject
     * and version; a numbered version is looked up once and kept.
     */
    public List<ResolvedReference> references(RegisteredSchema schema) throws SchemaLookupException {
        List<ResolvedReference> out = new ArrayList<>();
        addReferences(schema.references(), out, new HashSet<>(), schema.toString(), 0);
        return out;
    }

    private void addReferences(List<SchemaReference> references, List<ResolvedReference> out, Set<String> seen, String what,
                               int depth) throws SchemaLookupException {
        if (depth > MAX_REFERENCE_DEPTH) {
            throw new SchemaLookupException("the references of " + what + " nest more than " + MAX_REFERENCE_DEPTH
                    + " levels deep", 0);
        }
        for (SchemaReference reference : references) {
            if (!seen.add(reference.subject() + "\u0000" + reference.version())) {
                continue;
            }
            String referenceWhat = "subject " + reference.subject() + " version " + reference.version() + " (referenced by "
                    + what + " as " + reference.name() + ")";
            RegisteredSchema referenced;
            try {
                referenced = subjectVersion(reference.subject(), reference.version());
            } catch (SchemaLookupException e) {
                throw new SchemaLookupException(referenceWhat + ": " + e.getMessage(), e.errorCode());
            }
            addReferences(referenced.references(), out, seen, referenceWhat, depth + 1);
            out.add(new ResolvedReference(reference.name(), referenced));
        }
    }

    private JsonNode get(URI uri, String what) throws SchemaLookupException {
        return send(new Call("GET", uri, null), what);
    }

    /** One request: its method, where it goes, and its JSON body (null for none). */
    private record Call(String method, URI uri, String body) {
    }

    /** The last answer of an exchange, where it came from, and what a message about it should say. */
    private record Answer(int status, String body, String where) {
    }

    /** Sends with bounded retries; a definite refusal is a {@link SchemaLookupException}, an outage a {@link RetriableException}. */
    private JsonNode send(Call call, String what) throws SchemaLookupException {
        String where = call.method() + " " + call.uri();
        String lastProblem = null;
        Exception lastCause = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                pause(backoff.delayMillis(attempt - 2), what);
            }
            Answer response;
            try {
                response = exchange(call, what);
            } catch (IOException e) {
                lastProblem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
                lastCause = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("interrupted while asking the schema registry for " + what, e);
            }
            int status = response.status();
            where = response.where();
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

    /**
     * One attempt: the request and the redirects it leads to, all within one {@code requestTimeout}.
     * A redirect that must not be followed, or an answer too large, is a {@link RetriableException}
     * at once (trying again would meet the same answer; a pipeline waits and tries later).
     */
    private Answer exchange(Call first, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        Call call = first;
        String where = first.method() + " " + first.uri();
        for (int redirects = 0; ; redirects++) {
            boolean credentials = RegistryUrl.sameOrigin(url.root(), call.uri());
            HttpResponse<byte[]> response = sendWithin(request(call, credentials, deadline), deadline, what, where);
            int status = response.statusCode();
            String location = response.headers().firstValue("Location").orElse(null);
            if (!isRedirect(status) || location == null) {
                String body = new String(response.body(), StandardCharsets.UTF_8);
                return new Answer(status, body, credentials || authorization == null ? where
                        : where + " (credentials are sent only to " + RegistryUrl.origin(url.root()) + ")");
            }
            if (redirects == MAX_REDIRECTS) {
                throw new RetriableException("the schema registry at " + url.root() + " sent more than " + MAX_REDIRECTS
                        + " redirects for " + what + " (" + where + "); give the registry's final URL", null);
            }
            URI target;
            try {
                target = RegistryUrl.redirectTarget(call.uri(), location);
            } catch (IllegalArgumentException e) {
                throw new RetriableException("the schema registry redirected " + where + " for " + what + ", but " + e.getMessage(), null);
            }
            if (call.uri().getScheme().equalsIgnoreCase("https") && target.getScheme().equals("http")) {
                throw new RetriableException("the schema registry client does not follow a redirect from https to http ("
                        + where + " → " + target + ") for " + what + "; give the registry's https URL", null);
            }
            // As java.net.http and browsers do: 303 always, and 301/302 after a POST, continue as a GET without body.
            boolean toGet = status == 303 || (status == 301 || status == 302) && call.method().equals("POST");
            where = where + " → redirected to " + target + (toGet && !call.method().equals("GET") ? " (as GET)" : "");
            call = toGet ? new Call("GET", target, null) : new Call(call.method(), target, call.body());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private HttpRequest request(Call call, boolean credentials, long deadline) {
        HttpRequest.Builder request = HttpRequest.newBuilder(call.uri())
                .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .header("Accept", ACCEPT);
        if (credentials && authorization != null) {
            request.header("Authorization", authorization);
        }
        if (call.body() == null) {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(call.method(), HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
        }
        return request.build();
    }

    /**
     * Sends and reads the whole answer by the deadline. java.net.http's own request timeout ends
     * once the headers are in, so a body that trickles forever would hold the caller forever;
     * waiting on the future with a deadline, and cancelling it (which aborts the exchange), does not.
     */
    private HttpResponse<byte[]> sendWithin(HttpRequest request, long deadline, String what, String where)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> new BoundedBody(maxResponseBytes,
                info.headers().firstValueAsLong("Content-Length").orElse(-1)));
        try {
            return pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete answer within the requestTimeout of " + requestTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof TooLarge tooLarge) {
                    throw new RetriableException("the schema registry's answer for " + what + " (" + where + ") is larger than"
                            + " maxResponseBytes (" + maxResponseBytes + " bytes)" + tooLarge.getMessage() + " and was not read;"
                            + " if the registry's schemas are this large, raise SchemaRegistryClient.Builder.maxResponseBytes", null);
                }
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause() == null ? e.toString() : e.getCause().toString(), e.getCause());
        }
    }

    /** The message is the detail appended to the refusal: the declared length, if any. */
    private static final class TooLarge extends IOException {
        TooLarge(String detail) {
            super(detail);
        }
    }

    /**
     * Collects an answer's bytes up to a limit: a declared length over it is refused before any
     * byte is read, and an undeclared one as soon as it passes it (the exchange is then cancelled).
     */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final long declared;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes;
        private Flow.Subscription subscription;
        private long size;

        BoundedBody(long limit, long declared) {
            this.limit = limit;
            this.declared = declared;
            this.bytes = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 0), Math.min(limit, 64 << 10)));
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declared > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(": its Content-Length declares " + declared + " bytes"));
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                size += item.remaining();
                if (size > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge(": it had sent more than that without its end"));
                    return;
                }
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }
    }

    private void pause(long delayMillis, String what) {
        try {
            Thread.sleep(delayMillis);
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

    /** A registry answer as a {@link RegisteredSchema}: type (AVRO when absent), text and references. */
    private static RegisteredSchema raw(int id, JsonNode answer, String subject, int version, String what)
            throws SchemaLookupException {
        JsonNode text = answer.path("schema");
        if (!text.isTextual()) {
            throw new SchemaLookupException("the registry's answer for " + what + " has no schema text", 0);
        }
        List<SchemaReference> references = new ArrayList<>();
        for (JsonNode reference : answer.path("references")) {
            String name = reference.path("name").asText("");
            String referenceSubject = reference.path("subject").asText("");
            if (referenceSubject.isEmpty()) {
                throw new SchemaLookupException("the registry's answer for " + what + " has a reference without a subject", 0);
            }
            references.add(new SchemaReference(name, referenceSubject, reference.path("version").asText("latest")));
        }
        return new RegisteredSchema(id, answer.path("schemaType").asText("AVRO").toUpperCase(java.util.Locale.ROOT),
                text.asText(), references, subject, version);
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
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

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

        /**
         * The largest answer read from the registry (default 4 MiB, far above any real schema); a
         * larger one, by its Content-Length or as it arrives, is refused unread: the lookup fails
         * with a {@link RetriableException} that names this setting.
         */
        public Builder maxResponseBytes(long bytes) {
            this.maxResponseBytes = bytes;
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
            Checks.requirePositive("SchemaRegistryClient", connectTimeout, "connectTimeout", "connectTimeout(Duration.ofSeconds(10))");
            Checks.requirePositive("SchemaRegistryClient", requestTimeout, "requestTimeout", "requestTimeout(Duration.ofSeconds(30))");
            if (retryBackoff == null || retryBackoff.isNegative()) {
                throw new IllegalArgumentException("SchemaRegistryClient: retryBackoff must be zero or positive, was "
                        + retryBackoff + "; e.g. retryBackoff(Duration.ofMillis(200))");
            }
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("SchemaRegistryClient: maxAttempts must be 1 to 10, was " + maxAttempts
                        + "; a pipeline waits and retries on its own after a failed lookup");
            }
            if (maxResponseBytes < 1024 || maxResponseBytes > 1L << 30) {
                throw new IllegalArgumentException("SchemaRegistryClient: maxResponseBytes must be 1 KiB to 1 GiB, was "
                        + maxResponseBytes + "; e.g. maxResponseBytes(4L << 20) for 4 MiB");
            }
            if (caPem != null && !parsed.root().getScheme().equals("https")) {
                throw new IllegalArgumentException("SchemaRegistryClient: trusted certificates are given, but the URL "
                        + parsed + " is not https://");
            }
            String authorization = authUser == null ? null : "Basic " + Base64.getEncoder()
                    .encodeToString((authUser + ":" + authPassword).getBytes(StandardCharsets.UTF_8));
            return new SchemaRegistryClient(this, parsed, authorization);
        }
    }
}
