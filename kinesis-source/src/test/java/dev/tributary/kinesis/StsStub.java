package dev.tributary.kinesis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for AWS STS on loopback: answers {@code AssumeRole} with fixed temporary credentials
 * and remembers each request (its form parameters and the key id it was signed with). There is no
 * STS server to test against here; this one speaks STS' query protocol, as the SDK expects.
 */
final class StsStub implements AutoCloseable {

    static final String ROLE_ACCESS_KEY_ID = "ASIAROLETEMPORARY001";
    static final String ROLE_SECRET = "role-temporary-secret";
    static final String ROLE_SESSION_TOKEN = "role-session-token-0123456789";

    /** One AssumeRole call: the form it sent and its Authorization header. */
    record Call(String form, String authorization) {
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    StsStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String form = URLDecoder.decode(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8);
            calls.add(new Call(form, exchange.getRequestHeaders().getFirst("Authorization")));
            String expiration = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
            byte[] body = ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                    + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/reader/tributary</Arn>"
                    + "<AssumedRoleId>AROAEXAMPLE:tributary</AssumedRoleId></AssumedRoleUser>"
                    + "<Credentials><AccessKeyId>" + ROLE_ACCESS_KEY_ID + "</AccessKeyId><SecretAccessKey>" + ROLE_SECRET
                    + "</SecretAccessKey><SessionToken>" + ROLE_SESSION_TOKEN + "</SessionToken><Expiration>" + expiration
                    + "</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId>"
                    + "</ResponseMetadata></AssumeRoleResponse>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
