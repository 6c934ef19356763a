package dev.tributary.kafka.reliability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the process writes to standard error and standard output while it is open, and
 * still passes it on. slf4j-simple (the binding of the tests) writes every log line to
 * {@code System.err}, looked up at each write, so this sees the library's logs and the Kafka
 * client's alike.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** Everything written so far. */
    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.err.flush();
        System.out.flush();
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private final class Tee extends OutputStream {
        private final PrintStream passOn;

        Tee(PrintStream passOn) {
            this.passOn = passOn;
        }

        @Override
        public void write(int b) {
            synchronized (captured) {
                captured.write(b);
            }
            passOn.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            synchronized (captured) {
                captured.write(bytes, offset, length);
            }
            passOn.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            passOn.flush();
        }
    }
}
