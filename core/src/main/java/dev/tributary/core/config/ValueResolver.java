package dev.tributary.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves the references in a configuration value, so that a file checked into a repository names its
 * secrets instead of holding them: {@code ${env:NAME}} (an environment variable), {@code ${env:NAME:-fallback}}
 * (the fallback when NAME is unset or empty), {@code ${file:/path}} (the file's content, UTF-8, one trailing
 * line break removed, as a Kubernetes secret mount or a Docker secret has it), and {@code $${} for a literal
 * {@code ${}. A reference may be the whole value or part of it; any other {@code ${} is refused, so that a
 * misspelt reference is never taken as the value. The environment and the file reader are given, so that tests
 * need no process-wide state.
 */
final class ValueResolver {

    /** Reads a whole file as text. */
    interface FileReader {
        String read(Path file) throws IOException;
    }

    /** A file larger than this is not a secret (and reading, say, a device would never end). */
    static final int MAX_FILE_BYTES = 1 << 20;
    static final String FORMS = "write ${env:NAME}, ${env:NAME:-fallback} or ${file:/path}, and $${ for a literal ${";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The process's environment and file system. */
    static final ValueResolver SYSTEM = new ValueResolver(System::getenv, ValueResolver::readFile);

    private final Function<String, String> environment;
    private final FileReader files;

    ValueResolver(Function<String, String> environment, FileReader files) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * {@code value} with its references replaced (itself when it has none). A refusal names {@code key} and the
     * reference, never a value; text that is not a well-formed reference is not shown for a secret key (it may
     * be a password that happens to hold {@code ${}).
     */
    String resolve(String key, String value) {
        if (!value.contains("${")) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int i = 0;
        while (i < value.length()) {
            if (value.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (value.startsWith("${", i)) {
                int end = value.indexOf('}', i + 2);
                if (end < 0) {
                    throw refused(key, shown(key, "'" + value + "'") + " has a ${ without its closing }");
                }
                out.append(reference(key, value.substring(i, end + 1)));
                i = end + 1;
            } else {
                out.append(value.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The text {@code reference} (e.g. {@code ${env:X}}) stands for. */
    private String reference(String key, String reference) {
        String body = reference.substring(2, reference.length() - 1);
        if (body.contains("${")) {
            throw refused(key, shown(key, reference) + " holds another reference, which is not resolved");
        }
        if (body.startsWith("env:")) {
            String name = body.substring(4);
            String fallback = null;
            int dash = name.indexOf(":-");
            if (dash >= 0) {
                fallback = name.substring(dash + 2);
                name = name.substring(0, dash);
            }
            if (!ENV_NAME.matcher(name).matches()) {
                throw refused(key, reference + " does not name an environment variable (letters, digits and _)");
            }
            String found = environment.apply(name);
            if (fallback != null && (found == null || found.isEmpty())) {
                return fallback;
            }
            if (found == null) {
                throw refused(key, reference + " is not set in the environment; set " + name
                        + " or give a fallback, ${env:" + name + ":-fallback}");
            }
            return found;
        }
        if (body.startsWith("file:")) {
            String name = body.substring(5);
            if (name.isBlank()) {
                throw refused(key, reference + " names no file; e.g. ${file:/run/secrets/password}");
            }
            String content;
            try {
                content = files.read(Path.of(name));
            } catch (IOException | InvalidPathException e) {
                String detail = e.getMessage() == null || e.getMessage().equals(name) ? "" : ": " + e.getMessage();
                throw refused(key, "cannot read " + reference + ": " + e.getClass().getSimpleName() + detail);
            }
            // One trailing line break is the file's end, not the secret's (echo, editors, kubectl create secret --from-file).
            if (content.endsWith("\r\n")) {
                return content.substring(0, content.length() - 2);
            }
            return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        }
        throw refused(key, shown(key, reference) + " is not a reference this configuration resolves; " + FORMS);
    }

    private static String shown(String key, String text) {
        return Config.isSecret(key) ? "(value hidden)" : text;
    }

    private static Config.KeyedException refused(String key, String problem) {
        return new Config.KeyedException(key + ": " + problem, null);
    }

    /** The file's content as UTF-8 (malformed input refused), at most {@link #MAX_FILE_BYTES}. */
    static String readFile(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException("not UTF-8 text", e);
        }
    }
}
