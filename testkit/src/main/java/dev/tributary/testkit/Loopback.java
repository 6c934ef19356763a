package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;

/** Loopback addresses and ports: every server of the test kit listens on 127.0.0.1 only. */
public final class Loopback {

    /** The only host tests connect to. */
    public static final String HOST = "127.0.0.1";

    private Loopback() {
    }

    /** A TCP port that is free on 127.0.0.1 at the time of the call. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:port. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Refuses an address that is not on loopback: tests never send traffic anywhere else, even when
     * an environment variable names a server to reuse.
     *
     * @param setting the setting the address came from, for the error message
     */
    public static URI requireLoopback(URI uri, String setting) {
        String host = uri.getHost();
        try {
            if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                throw new IllegalArgumentException(setting + "=" + uri + " is not a loopback address;"
                        + " the test kit only connects to 127.0.0.1");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(setting + "=" + uri + ": unknown host " + host, e);
        }
        return uri;
    }

    /** {@link #requireLoopback(URI, String)} for a {@code host:port} pair. */
    public static String requireLoopbackHostPort(String hostPort, String setting) {
        for (String one : hostPort.split(",")) {
            requireLoopback(URI.create("tcp://" + one.trim()), setting);
        }
        return hostPort;
    }
}
