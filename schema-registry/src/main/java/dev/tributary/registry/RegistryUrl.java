package dev.tributary.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A schema-registry URL in one of the three forms the managed service takes:
 * <ul>
 *   <li>the root of the Confluent API, e.g. {@code https://registry.example.com} (each message's
 *       embedded schema id is looked up);</li>
 *   <li>{@code <root>/schemas/ids/<id>}: one fixed schema;</li>
 *   <li>{@code <root>/subjects/<subject>} (latest version) or
 *       {@code <root>/subjects/<subject>/versions/<version>}: one fixed subject version.</li>
 * </ul>
 * User info in the URL ({@code https://user:password@host}) is taken out as credentials and never
 * kept in {@link #root()} or {@link #toString()}.
 */
record RegistryUrl(URI root, Integer schemaId, String subject, String version, String userInfo) {

    /** Parses {@code text}; the message of a failure says which form was expected. */
    static RegistryUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the schema registry URL is empty; give its root, e.g. https://registry.example.com,"
                    + " or a /schemas/ids/<id> or /subjects/<subject>[/versions/<version>] URL");
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the schema registry URL is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("the schema registry URL must be http:// or https:// with a host, e.g."
                    + " https://registry.example.com (given: " + redact(uri) + ")");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the schema registry URL must have no query or fragment (given: " + redact(uri) + ")");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Integer schemaId = null;
        String subject = null;
        String version = null;
        int ids = path.lastIndexOf("/schemas/ids/");
        int subjects = path.lastIndexOf("/subjects/");
        String rootPath = path;
        if (ids >= 0 && ids > subjects) {
            String id = path.substring(ids + "/schemas/ids/".length());
            try {
                schemaId = Integer.valueOf(id);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the schema id in the registry URL is not a number: '" + id + "'");
            }
            rootPath = path.substring(0, ids);
        } else if (subjects >= 0) {
            String rest = path.substring(subjects + "/subjects/".length());
            int versions = rest.indexOf("/versions");
            String rawSubject = versions < 0 ? rest : rest.substring(0, versions);
            if (rawSubject.isEmpty() || rawSubject.contains("/")) {
                throw new IllegalArgumentException("the registry URL must be <root>/subjects/<subject> or"
                        + " <root>/subjects/<subject>/versions/<version> (given path: " + path + ")");
            }
            subject = percentDecode(rawSubject);
            version = "latest";
            if (versions >= 0) {
                String v = rest.substring(versions + "/versions".length());
                if (!v.startsWith("/") || !isVersion(v.substring(1))) {
                    throw new IllegalArgumentException("the subject version in the registry URL must be a positive number or"
                            + " 'latest' (given path: " + path + ")");
                }
                version = v.substring(1);
            }
            rootPath = path.substring(0, subjects);
        }
        String authority = uri.getRawAuthority();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            authority = authority.substring(userInfo.length() + 1);
        }
        URI root = URI.create(scheme + "://" + authority + rootPath);
        return new RegistryUrl(root, schemaId, subject, version,
                userInfo == null ? null : percentDecode(userInfo));
    }

    /** Undoes %-escapes; a '+' in a URL path is a plus sign, not a space. */
    private static String percentDecode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static boolean isVersion(String text) {
        if (text.equals("latest")) {
            return true;
        }
        try {
            return Integer.parseInt(text) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether this URL names one schema (by id or subject) rather than the registry's root. */
    boolean isFixed() {
        return schemaId != null || subject != null;
    }

    /** {@code <root>/schemas/ids/<id>}. */
    URI schemaById(int id) {
        return URI.create(root + "/schemas/ids/" + id);
    }

    /** {@code <root>/subjects/<subject>/versions/<version>}, the subject percent-encoded. */
    URI subjectVersion(String name, String subjectVersion) {
        return URI.create(root + "/subjects/" + encode(name) + "/versions/" + subjectVersion);
    }

    /** {@code <root>/subjects/<subject>/versions}, to register a schema. */
    URI subjectVersions(String name) {
        return URI.create(root + "/subjects/" + encode(name) + "/versions");
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String redact(URI uri) {
        return uri.getRawUserInfo() == null ? uri.toString() : uri.toString().replace(uri.getRawUserInfo() + "@", "****@");
    }

    /**
     * Whether {@code a} and {@code b} have the same origin: scheme, host and port (a missing port
     * is the scheme's default). Credentials go to the configured origin only, so a redirect to
     * another port of the same host counts as another host.
     */
    static boolean sameOrigin(URI a, URI b) {
        return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
    }

    /** {@code scheme://host[:port]} of {@code uri}, without user info, path or query. */
    static String origin(URI uri) {
        return scheme(uri) + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /**
     * Where a redirect's {@code Location} leads from {@code current}: resolved against it (it may
     * be relative), without user info (never credentials taken from a server) or fragment.
     *
     * @throws IllegalArgumentException if it is not a valid http(s) URL; the message never repeats user info
     */
    static URI redirectTarget(URI current, String location) {
        URI target;
        try {
            target = current.resolve(new URI(location.trim()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the redirect's Location is not a valid URI: " + e.getReason());
        }
        String scheme = scheme(target);
        if (!scheme.equals("http") && !scheme.equals("https") || target.getHost() == null) {
            throw new IllegalArgumentException("the redirect's Location is not an http(s) URL with a host (" + redact(target) + ")");
        }
        try {
            return new URI(scheme + "://" + target.getHost() + (target.getPort() < 0 ? "" : ":" + target.getPort())
                    + target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the redirect's Location is not a valid URI: " + e.getReason());
        }
    }

    private static String scheme(URI uri) {
        return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return switch (scheme(uri)) {
            case "http" -> 80;
            case "https" -> 443;
            default -> -1;
        };
    }

    /** The URL as given, without credentials. */
    @Override
    public String toString() {
        if (schemaId != null) {
            return schemaById(schemaId).toString();
        }
        if (subject != null) {
            return subjectVersion(subject, version).toString();
        }
        return root.toString();
    }
}
