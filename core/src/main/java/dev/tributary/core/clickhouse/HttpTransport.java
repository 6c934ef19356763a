package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.data.ClickHouseFormat;
import net.jpountz.lz4.LZ4Compressor;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ClickHouseTransport} to a server over HTTP(S), through the official Java client
 * (client-v2); made by {@link ClickHouseConnection#open()}, the only place that sets a client up.
 * Queries name their output format in the SQL and read the raw stream, which works on every server
 * version (old servers ignore the format header the client's typed readers rely on). Failures become
 * {@link ClickHouseException}s with the server's code (read from the message when an old server
 * sends no code header) and HTTP status, the client's exception kept as the cause. Insert bodies are
 * compressed here ({@link CompressedBlocks}) when the connection asks for compression.
 */
final class HttpTransport implements ClickHouseTransport {

    /** The HTTP query parameter under which the server decompresses a body of {@link CompressedBlocks}. */
    private static final String DECOMPRESS = "decompress";

    private final Client client;
    private final long timeoutMillis;
    private final String endpoint;
    /** LZ4 for insert bodies (client-v2's own request compression is left off: see {@link CompressedBlocks}); null for none. */
    private final LZ4Compressor compressor;

    HttpTransport(Client client, long timeoutMillis, String endpoint, boolean compression) {
        this.client = client;
        this.timeoutMillis = timeoutMillis;
        this.endpoint = endpoint;
        this.compressor = compression ? CompressedBlocks.lz4() : null;
    }

    @Override
    public void execute(String sql) throws ClickHouseException {
        try {
            client.execute(sql).get(timeoutMillis, TimeUnit.MILLISECONDS).close();
        } catch (Exception e) {
            throw failure(e);
        }
    }

    @Override
    public byte[] query(String sql) throws ClickHouseException {
        try (QueryResponse response = client.query(sql).get(timeoutMillis, TimeUnit.MILLISECONDS);
             InputStream in = response.getInputStream()) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw failure(e);
        }
    }

    @Override
    public void insert(String quotedTable, List<String> quotedColumns, byte[] data, int offset, int length,
                       String format, String queryId, Map<String, String> settings) throws ClickHouseException {
        try {
            InsertSettings insertSettings = new InsertSettings().setQueryId(queryId);
            settings.forEach(insertSettings::serverSetting);
            InputStream in;
            if (compressor != null) {
                in = new CompressedBlocks(compressor, data, offset, length);
                insertSettings.serverSetting(DECOMPRESS, "1");
            } else {
                in = new ByteArrayInputStream(data, offset, length);
            }
            ClickHouseFormat clickHouseFormat = ClickHouseFormat.valueOf(format);
            (quotedColumns.isEmpty()
                    ? client.insert(quotedTable, in, clickHouseFormat, insertSettings)
                    : client.insert(quotedTable, quotedColumns, in, clickHouseFormat, insertSettings))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS).close();
        } catch (Exception e) {
            throw failure(e);
        }
    }

    @Override
    public String describe() {
        return endpoint;
    }

    @Override
    public void close() {
        client.close(); // also ends a request blocked on a stalled server
    }

    /** What the client threw, as a {@link ClickHouseException} with the server's code and status. */
    static ClickHouseException failure(Throwable thrown) {
        Throwable error = thrown;
        while ((error instanceof ExecutionException || error instanceof CompletionException) && error.getCause() != null) {
            error = error.getCause();
        }
        if (error instanceof ClickHouseException known) {
            return known;
        }
        if (error instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new ClickHouseException(0, 0, "interrupted while waiting for ClickHouse", error);
        }
        if (error instanceof TimeoutException) {
            return new ClickHouseException(0, 0, "no answer from ClickHouse within the request timeout", error);
        }
        ServerException server = InsertFailure.find(error, ServerException.class);
        if (server != null) {
            String message = String.valueOf(server.getMessage());
            int code = server.getCode() > 0 ? server.getCode() : ClickHouseException.codeInMessage(message);
            return new ClickHouseException(code, server.getTransportProtocolCode(), message, error);
        }
        return new ClickHouseException(0, 0, String.valueOf(error.getMessage()), error);
    }
}
