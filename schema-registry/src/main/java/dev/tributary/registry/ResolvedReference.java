package dev.tributary.registry;

/** A referenced schema as found in the registry, under the name the referring schema imports it by. */
public record ResolvedReference(String name, RegisteredSchema schema) {
}
