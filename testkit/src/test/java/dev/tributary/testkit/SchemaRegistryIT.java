package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServers.class)
class SchemaRegistryIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registersAndFetchesASchema(SchemaRegistry registry) throws Exception {
        String subject = "smoke-" + System.nanoTime() + "-value";
        String schema = "{\"type\":\"record\",\"name\":\"Smoke\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
        String body = "{\"schema\":" + quote(schema) + "}";

        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", CONTENT_TYPE).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, registered.statusCode(), registered.body());
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(registered.body());
        assertTrue(id.find(), registered.body());

        HttpResponse<String> byId = get(registry.url() + "/schemas/ids/" + id.group(1));
        assertEquals(200, byId.statusCode(), byId.body());
        assertTrue(byId.body().replace("\\", "").contains("\"name\":\"Smoke\""), byId.body());

        HttpResponse<String> latest = get(registry.url() + "/subjects/" + subject + "/versions/latest");
        assertEquals(200, latest.statusCode(), latest.body());
        assertTrue(latest.body().contains("\"id\":" + id.group(1)), latest.body());
    }

    @Test
    void answersAnUnknownIdWith40403(SchemaRegistry registry) throws Exception {
        HttpResponse<String> missing = get(registry.url() + "/schemas/ids/987654321");
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("40403"), missing.body());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", CONTENT_TYPE).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
