package dev.tributary.bench.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback server (ClickHouse's HTTP port) that can stall:
 * while a stall lasts, requests still reach the server but its responses are held back, so a client
 * with a shorter timeout gives up on a request the server may well have carried out. That is the
 * nastiest kind of slow server for at-least-once delivery: the retry may duplicate, and must not lose.
 */
final class StallingProxy implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final ServerSocket server;
    private final int upstreamPort;
    private final ExecutorService threads;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong heldResponses = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private volatile long stallUntilNanos = System.nanoTime();
    private volatile boolean closed;

    private StallingProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "stalling-proxy");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Listens on a free port of 127.0.0.1 and forwards every connection to 127.0.0.1:{@code upstreamPort}. */
    static StallingProxy start(int upstreamPort) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(HOST));
        StallingProxy proxy = new StallingProxy(server, upstreamPort);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Holds every response back for {@code duration} from now (requests still go through). */
    void stall(Duration duration) {
        stallUntilNanos = System.nanoTime() + duration.toNanos();
    }

    /** How many response chunks a stall held back so far. */
    long heldResponses() {
        return heldResponses.get();
    }

    long connections() {
        return connections.get();
    }

    private boolean stalled() {
        return System.nanoTime() - stallUntilNanos < 0;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("stalling proxy: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        sockets.add(client);
        Socket upstream = new Socket();
        sockets.add(upstream);
        try {
            upstream.connect(new InetSocketAddress(HOST, upstreamPort), 2_000);
            threads.execute(() -> pump(client, upstream, false));
            pump(upstream, client, true);
        } catch (IOException e) {
            // The server is down (a restart): the client sees its connection closed and retries.
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    /** Copies {@code from} to {@code to}; responses wait while a stall lasts. Closes both when one side ends. */
    private void pump(Socket from, Socket to, boolean responses) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (responses && stalled()) {
                    heldResponses.incrementAndGet();
                    while (stalled() && !closed && !to.isClosed()) {
                        Thread.sleep(20); // the fault itself: the response is held until the stall ends
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // one side closed: normal at the end of a connection, or a client that timed out
        } catch (IOException e) {
            // as above
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.remove(socket);
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
