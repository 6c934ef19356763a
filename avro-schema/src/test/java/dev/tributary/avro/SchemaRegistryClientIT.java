package dev.tributary.avro;

import dev.tributary.core.RetriableException;
import dev.tributary.registry.LoopbackHttp;
import dev.tributary.registry.RegistryFront;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestCertificates;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry client against Apicurio's Confluent API, directly and through an HTTPS front that asks for credentials. */
@ExtendWith(TestServers.class)
class SchemaRegistryClientIT {

    private static final Schema V1 = AvroTestSupport.parse("""
            {"type": "record", "name": "Ev", "fields": [{"name": "id", "type": "long"}]}""");
    private static final Schema V2 = AvroTestSupport.parse("""
            {"type": "record", "name": "Ev", "fields": [{"name": "id", "type": "long"},
              {"name": "note", "type": "string", "default": ""}]}""");

    /** One throwaway CA for the class: making it takes a dozen keytool runs. */
    private static TestCertificates certificates;

    @BeforeAll
    static void makeCertificates(TestkitPaths paths) {
        certificates = TestCertificates.create(paths.newServerDir("registry-tls"));
    }

    private static String subject(String name) {
        return name + "-" + System.nanoTime() + "-value";
    }

    private static SchemaRegistryClient client(String url) {
        return SchemaRegistryClient.builder().url(url).build();
    }

    @Test
    void theThreeUrlFormsNameSchemas(SchemaRegistry registry) throws Exception {
        String root = registry.url().toString();
        String subject = subject("forms.events");
        SchemaRegistryClient client = client(root);
        int v1 = client.register(subject, V1);
        int v2 = client.register(subject, V2);
        assertTrue(v2 != v1, "a second version has its own id");

        assertEquals(V1, client.schemaById(v1).schema());
        assertFalse(client.hasFixedSchema());
        assertThrows(IllegalStateException.class, client::fixedSchema);

        SchemaRegistryClient byId = client(root + "/schemas/ids/" + v1);
        assertEquals(new RegisteredSchema(v1, V1, null, 0), byId.fixedSchema());

        SchemaRegistryClient latest = client(root + "/subjects/" + subject);
        assertEquals(new RegisteredSchema(v2, V2, subject, 2), latest.fixedSchema());

        SchemaRegistryClient version = client(root + "/subjects/" + subject + "/versions/1/");
        assertEquals(new RegisteredSchema(v1, V1, subject, 1), version.fixedSchema());
        assertEquals(root + "/subjects/" + subject + "/versions/1", version.url());
    }

    @Test
    void schemasAreCachedByIdAndAnUnknownIdIsAskedOnce(SchemaRegistry registry) throws Exception {
        int id = client(registry.url().toString()).register(subject("cache"), V1);
        try (RegistryFront front = RegistryFront.plain(registry.url())) {
            SchemaRegistryClient client = client(front.url());
            for (int i = 0; i < 100; i++) {
                assertEquals(V1, client.schemaById(id).schema());
            }
            assertEquals(1, front.requests());

            for (int i = 0; i < 3; i++) {
                SchemaLookupException unknown = assertThrows(SchemaLookupException.class, () -> client.schemaById(987_654));
                assertEquals(40403, unknown.errorCode());
                assertTrue(unknown.getMessage().startsWith("schema id 987654 is not in the schema registry at " + front.url()
                        + " (HTTP 404, error 40403"), unknown.getMessage());
            }
            assertEquals(2, front.requests());
        }
    }

    @Test
    void basicAuthAndACustomCaReachAnHttpsRegistryAndCredentialsNeverShow(SchemaRegistry registry) throws Exception {
        int id = client(registry.url().toString()).register(subject("tls"), V1);
        String password = "s3cret-Pa55";
        try (RegistryFront front = RegistryFront.tls(registry.url(), certificates.serverKeystore(),
                certificates.storePassword(), "alice", password)) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(front.url()).basicAuth("alice", password)
                    .trustedCertificates(certificates.caPem()).build();
            assertEquals(V1, client.schemaById(id).schema());

            String withUserInfo = front.url().replace("https://", "https://alice:" + password + "@");
            SchemaRegistryClient fromUrl = SchemaRegistryClient.builder().url(withUserInfo + "/schemas/ids/" + id)
                    .trustedCertificates(certificates.caPem()).build();
            assertEquals(V1, fromUrl.fixedSchema().schema());
            assertFalse(fromUrl.toString().contains(password) || fromUrl.url().contains(password) || fromUrl.url().contains("alice"),
                    fromUrl.toString());

            SchemaRegistryClient wrongPassword = SchemaRegistryClient.builder().url(front.url()).basicAuth("alice", "wrong-" + password)
                    .trustedCertificates(certificates.caPem()).build();
            RetriableException refused = assertThrows(RetriableException.class, () -> wrongPassword.schemaById(id));
            assertTrue(refused.getMessage().contains("refused the credentials (HTTP 401)"), refused.getMessage());
            assertFalse(refused.getMessage().contains(password), refused.getMessage());

            SchemaRegistryClient untrusted = SchemaRegistryClient.builder().url(front.url()).basicAuth("alice", password)
                    .maxAttempts(1).build();
            RetriableException tls = assertThrows(RetriableException.class, () -> untrusted.schemaById(id));
            assertTrue(tls.getMessage().contains("SSLHandshakeException"), tls.getMessage());
            assertFalse(tls.getMessage().contains(password), tls.getMessage());
        }
    }

    @Test
    void aRedirectFromHttpsToHttpIsNotFollowed() throws Exception {
        String answer = "{\"schema\": \"\\\"long\\\"\"}";
        try (LoopbackHttp plain = LoopbackHttp.http(exchange -> LoopbackHttp.json(exchange, 200, answer));
             LoopbackHttp secure = LoopbackHttp.https(RegistryFront.serverTls(certificates.serverKeystore(), certificates.storePassword()),
                     exchange -> LoopbackHttp.redirect(exchange, 301, plain.origin() + exchange.getRequestURI().getRawPath()))) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(secure.origin()).basicAuth("alice", "s3cret-Pa55")
                    .trustedCertificates(certificates.caPem()).build();
            RetriableException e = assertThrows(RetriableException.class, () -> client.schemaById(3));
            assertTrue(e.getMessage().contains("does not follow a redirect from https to http"), e.getMessage());
            assertEquals(1, secure.requests(), "a refusal by design is not retried");
            assertEquals(0, plain.requests());
        }
    }

    @Test
    void referencedSchemasAreParsedFirst(SchemaRegistry registry) throws Exception {
        String inner = subject("inner");
        String outer = subject("outer");
        HttpClient http = HttpClient.newHttpClient();
        post(http, registry.url() + "/subjects/" + inner + "/versions", """
                {"schema": "{\\"type\\":\\"record\\",\\"name\\":\\"Money\\",\\"namespace\\":\\"ref\\",\\"fields\\":[{\\"name\\":\\"cents\\",\\"type\\":\\"long\\"}]}"}""");
        String answer = post(http, registry.url() + "/subjects/" + outer + "/versions", """
                {"schema": "{\\"type\\":\\"record\\",\\"name\\":\\"Order\\",\\"namespace\\":\\"ref\\",\\"fields\\":[{\\"name\\":\\"price\\",\\"type\\":\\"ref.Money\\"}]}",
                 "references": [{"name": "ref.Money", "subject": "%s", "version": 1}]}""".formatted(inner));
        int id = Integer.parseInt(answer.replaceAll("\\D", ""));
        Schema order = client(registry.url().toString()).schemaById(id).schema();
        assertEquals("ref.Money", order.getField("price").schema().getFullName());
        assertEquals(Schema.Type.LONG, order.getField("price").schema().getField("cents").schema().getType());
    }

    @Test
    void anUnreachableRegistryIsRetriableAfterBoundedAttempts() {
        int closedPort = Loopback.freePort();
        SchemaRegistryClient client = SchemaRegistryClient.builder().url("http://127.0.0.1:" + closedPort)
                .maxAttempts(3).retryBackoff(Duration.ofMillis(20)).connectTimeout(Duration.ofSeconds(2)).build();
        long started = System.nanoTime();
        RetriableException e = assertThrows(RetriableException.class, () -> client.schemaById(1));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "bounded");
        assertTrue(e.getMessage().startsWith("the schema registry at http://127.0.0.1:" + closedPort + " is unavailable: GET http://127.0.0.1:"
                + closedPort + "/schemas/ids/1 failed 3 times, last: ConnectException"), e.getMessage());
    }

    @Test
    void aUrlThatIsNotTheApiRootWaitsInsteadOfRefusingEveryMessage(SchemaRegistry registry) {
        URI base = registry.url();
        String wrongRoot = base.getScheme() + "://" + base.getAuthority() + "/not-the-api";
        RetriableException e = assertThrows(RetriableException.class, () -> client(wrongRoot).schemaById(1));
        assertTrue(e.getMessage().contains("answered HTTP 404 without an error code"), e.getMessage());
    }

    private static String post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
