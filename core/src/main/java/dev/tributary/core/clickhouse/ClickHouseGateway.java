package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The library's one door to ClickHouse, over the official Java client (client-v2). Queries name
 * their output format in the SQL and read the raw stream, which works on every server version
 * (old servers ignore the format header the client's typed readers rely on). Not final only so
 * that unit tests of the writer can script the server's answers.
 */
class ClickHouseGateway implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final Client client;
    private final long timeoutMillis;

    ClickHouseGateway(Client client, long timeoutMillis) {
        this.client = client;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Runs a query and returns its rows as column name → value text ({@code null} for NULL). The
     * rows travel as JSONEachRow, which every server version writes the same way (old servers quote
     * 64-bit numbers, which is why values are read as text).
     */
    List<Map<String, String>> queryRows(String sqlWithoutFormat) throws Exception {
        String text = queryText(sqlWithoutFormat + " FORMAT JSONEachRow");
        List<Map<String, String>> rows = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("unexpected " + token + " in JSONEachRow output");
                }
                Map<String, String> row = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value.isStructStart()) {
                        parser.skipChildren();
                        row.put(name, null);
                    } else {
                        row.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    String queryText(String sql) throws Exception {
        try (QueryResponse response = client.query(sql).get(timeoutMillis, TimeUnit.MILLISECONDS);
             InputStream in = response.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    void execute(String sql) throws Exception {
        client.execute(sql).get(timeoutMillis, TimeUnit.MILLISECONDS).close();
    }

    /**
     * Inserts {@code length} bytes of {@code data} from {@code offset}, already in {@code format}.
     *
     * @param quotedTable {@code `db`.`table`}
     * @param columns     the columns the data holds, in order, or an empty list for all of them
     */
    InsertResponse insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                          ClickHouseFormat format, String queryId, Map<String, String> settings) throws Exception {
        InsertSettings insertSettings = new InsertSettings().setQueryId(queryId);
        settings.forEach(insertSettings::serverSetting);
        InputStream in = new ByteArrayInputStream(data, offset, length);
        InsertResponse response = columns.isEmpty()
                ? client.insert(quotedTable, in, format, insertSettings).get(timeoutMillis, TimeUnit.MILLISECONDS)
                : client.insert(quotedTable, columns, in, format, insertSettings).get(timeoutMillis, TimeUnit.MILLISECONDS);
        response.close();
        return response;
    }

    @Override
    public void close() {
        client.close();
    }
}
