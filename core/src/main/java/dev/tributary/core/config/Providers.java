package dev.tributary.core.config;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;

/** Finds the providers of a type on the class path, and words the fix when one is missing. */
final class Providers {

    /** The artifact that brings each type this project ships, for the message when it is missing. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "source:kafka", "dev.tributary:tributary-kafka",
            "source:kinesis", "dev.tributary:tributary-kinesis",
            "source:kinesis-lease", "dev.tributary:tributary-kinesis",
            "decoder:avro", "dev.tributary:tributary-avro",
            "decoder:protobuf", "dev.tributary:tributary-protobuf",
            "target:chdb", "dev.tributary:tributary-chdb");

    private Providers() {
    }

    /** The context class loader (an application server's), else this library's. */
    static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Providers.class.getClassLoader();
    }

    /** The provider of {@code service} whose {@code type} is {@code config.key(key)}'s value; refused naming the fix. */
    static <P> P find(Class<P> service, Function<P, String> typeOf, String kind, Config config, String key, String example) {
        String type = config.requireString(key, example);
        List<P> all = ServiceLoader.load(service, loader()).stream().map(ServiceLoader.Provider::get).toList();
        for (P provider : all) {
            if (typeOf.apply(provider).equals(type)) {
                return provider;
            }
        }
        TreeSet<String> known = new TreeSet<>();
        all.forEach(p -> known.add(typeOf.apply(p)));
        throw new Config.KeyedException(config.key(key) + "=" + type + ": no provider on the class path; "
                + hint(kind, type, String.join(", ", known)), null);
    }

    /** "add the dependency X" for a type this project ships, else the types that are there. */
    static String hint(String kind, String type, String available) {
        String artifact = ARTIFACTS.get(kind + ":" + type);
        return artifact != null ? "add the dependency " + artifact
                : "the types on the class path are: " + (available.isEmpty() ? "(none)" : available);
    }
}
