package dev.tributary.registry;

import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The generic client against Apicurio's Confluent API: schema types, references resolved dependencies first, each once. */
@ExtendWith(TestServers.class)
class SchemaReferencesIT {

    private static final String C = "syntax = \"proto3\"; package c; message C { string deep = 1; }";
    private static final String B = "syntax = \"proto3\"; package b; import \"c.proto\"; message B { c.C c = 1; }";
    private static final String A = "syntax = \"proto3\"; package a; import \"b.proto\"; import \"c.proto\"; message A { b.B b = 1; c.C c = 2; }";

    @Test
    void aProtobufSchemaComesBackWithItsTypeAndItsReferencesResolveDependenciesFirstEachOnce(SchemaRegistry registry)
            throws SchemaLookupException {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String prefix = "refs-" + System.nanoTime() + "-";
        int c = client.register(prefix + "c", "PROTOBUF", C, List.of());
        int b = client.register(prefix + "b", "PROTOBUF", B, List.of(new SchemaReference("c.proto", prefix + "c", "1")));
        int a = client.register(prefix + "a", "PROTOBUF", A, List.of(new SchemaReference("b.proto", prefix + "b", "1"),
                new SchemaReference("c.proto", prefix + "c", "1")));

        RegisteredSchema schema = client.schemaById(a);
        assertEquals("PROTOBUF", schema.schemaType());
        assertEquals(List.of(new SchemaReference("b.proto", prefix + "b", "1"), new SchemaReference("c.proto", prefix + "c", "1")),
                schema.references());
        List<ResolvedReference> resolved = client.references(schema);
        assertEquals(List.of("c.proto", "b.proto"), resolved.stream().map(ResolvedReference::name).toList());
        assertEquals(List.of(c, b), resolved.stream().map(reference -> reference.schema().id()).toList());
        assertEquals(schema, client.schemaById(a), "cached by id");
        assertEquals(a, client.latest(prefix + "a").id());
    }

    @Test
    void anUnknownIdIsADefiniteRefusalWithTheRegistrysErrorCode(SchemaRegistry registry) {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        SchemaLookupException e = assertThrows(SchemaLookupException.class, () -> client.schemaById(987_654));
        assertEquals(40403, e.errorCode());
    }
}
