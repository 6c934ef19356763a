package dev.tributary.avro;

import dev.tributary.core.RetriableException;
import dev.tributary.registry.ResolvedReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Avro view of the one registry client, {@link dev.tributary.registry.SchemaRegistryClient}
 * (module {@code schema-registry}), which does the HTTP, caching, retries and credentials; this
 * class parses the schemas it returns as Avro, references included.
 *
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder()
 *         .url("https://registry.example.com")            // or .../schemas/ids/42, .../subjects/events-value
 *         .basicAuth("key", "secret")
 *         .build();
 * RegisteredSchema schema = registry.schemaById(42);
 * }</pre>
 *
 * <p>An outage is a {@link RetriableException} (a pipeline then waits and tries again); a definite
 * "no" — unknown id, subject or version, a schema that is not Avro or does not parse — is a
 * {@link SchemaLookupException}. Parsed schemas are cached by id. Thread-safe.
 */
public final class SchemaRegistryClient {

    private final dev.tributary.registry.SchemaRegistryClient registry;
    private final Map<Integer, Schema> parsed = new ConcurrentHashMap<>();

    private SchemaRegistryClient(dev.tributary.registry.SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The Avro view of {@code registry}, e.g. one built from keys or shared with a Protobuf decoder (one cache). */
    public static SchemaRegistryClient of(dev.tributary.registry.SchemaRegistryClient registry) {
        return new SchemaRegistryClient(Objects.requireNonNull(registry, "registry"));
    }

    /** The registry client this view reads through (for the schemas of other formats, or raw text). */
    public dev.tributary.registry.SchemaRegistryClient registry() {
        return registry;
    }

    /** The registry URL as configured, without credentials. */
    public String url() {
        return registry.url();
    }

    /** Whether the URL names one schema ({@code /schemas/ids/<id>} or {@code /subjects/<subject>...}). */
    public boolean hasFixedSchema() {
        return registry.hasFixedSchema();
    }

    /**
     * The schema the URL names: by id, or the subject's version (its latest version when the URL
     * gives none, looked up once and then kept).
     *
     * @throws IllegalStateException if the URL is the registry's root
     */
    public RegisteredSchema fixedSchema() throws SchemaLookupException {
        try {
            return avro(registry.fixedSchema());
        } catch (dev.tributary.registry.SchemaLookupException e) {
            throw SchemaLookupException.of(e);
        }
    }

    /** The schema with this global id. */
    public RegisteredSchema schemaById(int id) throws SchemaLookupException {
        try {
            return avro(registry.schemaById(id));
        } catch (dev.tributary.registry.SchemaLookupException e) {
            throw SchemaLookupException.of(e);
        }
    }

    /** A version of a subject: a number, or {@code latest} (which is looked up every time). */
    public RegisteredSchema subjectVersion(String subject, String version) throws SchemaLookupException {
        try {
            return avro(registry.subjectVersion(subject, version));
        } catch (dev.tributary.registry.SchemaLookupException e) {
            throw SchemaLookupException.of(e);
        }
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
        try {
            return registry.register(subject, "AVRO", schema.toString(), List.of());
        } catch (dev.tributary.registry.SchemaLookupException e) {
            throw SchemaLookupException.of(e);
        }
    }

    /** The Avro schema of a registry answer, its references parsed first into the same parser. */
    private RegisteredSchema avro(dev.tributary.registry.RegisteredSchema raw) throws SchemaLookupException {
        Schema schema = parsed.get(raw.id());
        if (schema == null) {
            schema = parse(raw);
            Schema raced = parsed.putIfAbsent(raw.id(), schema);
            schema = raced == null ? schema : raced;
        }
        return new RegisteredSchema(raw.id(), schema, raw.subject(), raw.version());
    }

    private Schema parse(dev.tributary.registry.RegisteredSchema raw) throws SchemaLookupException {
        String what = raw.subject() == null ? "schema id " + raw.id() : "subject " + raw.subject() + " version " + raw.version();
        if (!raw.schemaType().equals("AVRO")) {
            throw new SchemaLookupException(what + " is a " + raw.schemaType() + " schema; only Avro schemas can be decoded", 0);
        }
        Schema.Parser parser = new Schema.Parser();
        List<ResolvedReference> references;
        try {
            references = registry.references(raw);
        } catch (dev.tributary.registry.SchemaLookupException e) {
            throw SchemaLookupException.of(e);
        }
        for (ResolvedReference reference : references) {
            try {
                parser.parse(reference.schema().text());
            } catch (SchemaParseException | IllegalArgumentException e) {
                throw new SchemaLookupException("subject " + reference.schema().subject() + " version "
                        + reference.schema().version() + " (referenced by " + what + ") does not parse as an Avro schema: "
                        + e.getMessage(), e);
            }
        }
        try {
            return parser.parse(raw.text());
        } catch (SchemaParseException | IllegalArgumentException e) {
            throw new SchemaLookupException(what + " does not parse as an Avro schema: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return registry.toString();
    }

    /** Settings of a {@link SchemaRegistryClient}; {@link #build()} checks them and names the wrong one. */
    public static final class Builder {
        private final dev.tributary.registry.SchemaRegistryClient.Builder registry =
                dev.tributary.registry.SchemaRegistryClient.builder();

        private Builder() {
        }

        /** See {@link dev.tributary.registry.SchemaRegistryClient.Builder#url}. Required. */
        public Builder url(String url) {
            registry.url(url);
            return this;
        }

        /** HTTP basic authentication (Confluent Cloud: the API key and secret). */
        public Builder basicAuth(String user, String password) {
            registry.basicAuth(user, password);
            return this;
        }

        /** Trusts the certificate authorities in this PEM file (and only those) for an https registry. */
        public Builder trustedCertificates(Path pemFile) {
            registry.trustedCertificates(pemFile);
            return this;
        }

        /** Trusts the certificate authorities in this PEM text (and only those) for an https registry. */
        public Builder trustedCertificatesPem(String pem) {
            registry.trustedCertificatesPem(pem);
            return this;
        }

        /** How long connecting may take (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            registry.connectTimeout(timeout);
            return this;
        }

        /** How long one request may take (default 30 s). */
        public Builder requestTimeout(Duration timeout) {
            registry.requestTimeout(timeout);
            return this;
        }

        /** How many times a request is tried before the registry counts as unavailable (default 3). */
        public Builder maxAttempts(int attempts) {
            registry.maxAttempts(attempts);
            return this;
        }

        /** The wait before the second attempt, doubled for each further one (default 200 ms). */
        public Builder retryBackoff(Duration backoff) {
            registry.retryBackoff(backoff);
            return this;
        }

        /** The largest answer read from the registry (default 4 MiB); see the registry client's builder. */
        public Builder maxResponseBytes(long bytes) {
            registry.maxResponseBytes(bytes);
            return this;
        }

        public SchemaRegistryClient build() {
            return new SchemaRegistryClient(Objects.requireNonNull(registry.build()));
        }
    }
}
