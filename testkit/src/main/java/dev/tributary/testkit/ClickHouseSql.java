package dev.tributary.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Runs SQL over ClickHouse's HTTP interface and reads results as text, in a way that works on the
 * 18.16 server of these machines and on modern servers alike: the output format is named in the
 * SQL (18.16 ignores the format header) and responses are never compressed.
 */
public final class ClickHouseSql {

    private final URI endpoint;
    private final String database;
    private final String authorization;
    private final HttpClient http;

    ClickHouseSql(URI endpoint, String database, String user, String password) {
        this(endpoint, database, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private ClickHouseSql(URI endpoint, String database, String authorization) {
        this.endpoint = endpoint;
        this.database = database;
        this.authorization = authorization;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The same server and credentials, with another current database. */
    public ClickHouseSql inDatabase(String otherDatabase) {
        return new ClickHouseSql(endpoint, otherDatabase, authorization);
    }

    /** Runs a statement that returns nothing of interest (DDL, INSERT … VALUES, …). */
    public void execute(String sql) {
        send(sql, HttpRequest.BodyPublishers.ofString(sql), null);
    }

    /** Runs a query and returns the server's output as is; name the format in the SQL. */
    public String queryText(String sql) {
        return new String(send(sql, HttpRequest.BodyPublishers.ofString(sql), null), StandardCharsets.UTF_8);
    }

    /**
     * Runs a query (without a FORMAT clause) and returns its rows; {@code \N} (NULL) becomes
     * {@code null}, TabSeparated escapes are undone.
     */
    public List<List<String>> rows(String sql) {
        return parseTabSeparated(queryText(sql + "\nFORMAT TabSeparated"));
    }

    /** The rows of a TabSeparated output; {@code \N} becomes {@code null}, escapes are undone. */
    static List<List<String>> parseTabSeparated(String text) {
        List<List<String>> rows = new ArrayList<>();
        if (text.isEmpty()) {
            return rows;
        }
        // Every row ends with a newline; an empty output means no rows at all.
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\n", -1)) {
            List<String> row = new ArrayList<>();
            for (String field : line.split("\t", -1)) {
                row.add(unescape(field));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The single value a query returns (first column of the first row). */
    public String value(String sql) {
        List<List<String>> rows = rows(sql);
        if (rows.isEmpty()) {
            throw new IllegalStateException("no row returned by: " + sql);
        }
        return rows.get(0).get(0);
    }

    /** {@link #value(String)} as a number. */
    public long longValue(String sql) {
        return Long.parseLong(value(sql));
    }

    /** The server's version, from {@code SELECT version()}. */
    public String version() {
        return value("SELECT version()");
    }

    /** Inserts data already in the given format, e.g. {@code insert("t", "RowBinary", bytes)}. */
    public void insert(String table, String format, byte[] data) {
        String sql = "INSERT INTO " + table + " FORMAT " + format;
        send(sql, HttpRequest.BodyPublishers.ofByteArray(data), sql);
    }

    private byte[] send(String sql, HttpRequest.BodyPublisher body, String queryParameter) {
        StringBuilder uri = new StringBuilder(endpoint.toString()).append("/?database=")
                .append(URLEncoder.encode(database, StandardCharsets.UTF_8));
        if (queryParameter != null) {
            uri.append("&query=").append(URLEncoder.encode(queryParameter, StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", authorization)
                .POST(body)
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse at " + endpoint + " answered HTTP " + response.statusCode()
                        + " to [" + abbreviate(sql) + "]: " + new String(response.body(), StandardCharsets.UTF_8).trim());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("ClickHouse at " + endpoint + " unreachable for [" + abbreviate(sql) + "]: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during [" + abbreviate(sql) + "]", e);
        }
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 300 ? sql : sql.substring(0, 300) + "…";
    }

    static String unescape(String field) {
        if (field.equals("\\N")) {
            return null;
        }
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i + 1 == field.length()) {
                out.append(c);
                continue;
            }
            char next = field.charAt(++i);
            switch (next) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case '0' -> out.append('\0');
                case 'a' -> out.append('\u0007');
                case 'v' -> out.append('\u000b');
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
