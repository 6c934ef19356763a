package dev.tributary.avro;

import dev.tributary.core.mapping.DefaultSchemaMapper;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every builder names the wrong setting and the fix; no secret is ever printed. */
class BuildersTest {

    private static String refusal(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void registryClientSettings() {
        assertTrue(refusal(() -> SchemaRegistryClient.builder().build()).contains("call url(...)"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://u:p@r").basicAuth("u", "p").build())
                .contains("credentials are given twice"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").basicAuth("a:b", "p").build())
                .contains("a user without ':'"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").maxAttempts(0).build())
                .contains("maxAttempts must be 1 to 10"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").requestTimeout(Duration.ZERO).build())
                .contains("requestTimeout must be a positive duration"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").maxResponseBytes(0).build())
                .contains("maxResponseBytes must be 1 KiB to 1 GiB, was 0"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").maxResponseBytes(2L << 30).build())
                .contains("maxResponseBytes must be 1 KiB to 1 GiB"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("http://r").trustedCertificatesPem("x").build())
                .contains("is not https://"));
        assertTrue(refusal(() -> SchemaRegistryClient.builder().url("https://r").trustedCertificatesPem("not a pem").build())
                .contains("cannot read the CA certificates"));
        SchemaRegistryClient client = SchemaRegistryClient.builder().url("https://r.example.com/subjects/s")
                .basicAuth("key", "secret-value").build();
        assertEquals("SchemaRegistryClient[https://r.example.com/subjects/s/versions/latest, basic auth]", client.toString());
        assertFalse(client.toString().contains("secret-value") || client.toString().contains("key"));
    }

    @Test
    void decoderSettings() {
        assertTrue(refusal(() -> AvroConfluentDecoder.builder().build()).contains("the schema registry is not set"));
        assertTrue(refusal(() -> AvroConfluentDecoder.builder().registryUrl("https://r")
                .registry(SchemaRegistryClient.builder().url("https://r").build()).build()).contains("keep one"));
        assertTrue(refusal(() -> AvroConfluentDecoder.builder().registryUrl("https://r")
                .framing(AvroConfluentDecoder.Framing.DETECT).build()).contains("needs a fixed schema"));
        assertTrue(refusal(() -> AvroConfluentDecoder.builder().registryUrl("https://r/schemas/ids/x").build())
                .contains("not a number"));
    }

    @Test
    void mapperSettings() {
        assertTrue(refusal(() -> DefaultSchemaMapper.builder().constant("a", 1).constant("a", 2)).contains("overridden twice"));
        assertTrue(refusal(() -> AvroSchemaMapper.of(DefaultSchemaMapper.builder().columnFromField("nope", "x").build())
                .plan(AvroTestSupport.table("id", "Int64"), java.util.List.of())).contains("names column 'nope'"));
        assertTrue(refusal(() -> AvroSchemaMapper.of(DefaultSchemaMapper.builder().columnFromVirtual("id", "_offset").build())
                .plan(AvroTestSupport.table("id", "Int64"), java.util.List.of())).contains("does not offer"));
        assertTrue(refusal(() -> AvroSchemaMapper.of(DefaultSchemaMapper.builder().constant("id", "x").build())
                .plan(AvroTestSupport.table("id", "Int64"), java.util.List.of())).startsWith("AvroSchemaMapper: the constant for column 'id' does not fit"));
    }
}
