package dev.tributary.avro;

import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvroDecoderProviderTest {

    private static final String ORDER = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"shop\",\"fields\":"
            + "[{\"name\":\"id\",\"type\":\"long\"}]}";

    private static Object create(Map<String, String> keys) {
        Config config = Config.of(keys);
        Config decoderKeys = config.prefix("decoder");
        // As PipelineConfig calls it: a refusal of the builder gets the keys that set it.
        Object decoder = decoderKeys.build(() -> new AvroDecoderProvider().create(decoderKeys,
                new ProviderContext("p", config.prefix("sink"))));
        config.refuseUnknownKeys();
        return decoder;
    }

    @Test
    void everyKeyReachesItsBuilderCall(@TempDir Path dir) throws Exception {
        Path avsc = Files.writeString(dir.resolve("order.avsc"), ORDER);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("decoder.registry.url", "http://127.0.0.1:8081/subjects/orders-value");
        p.put("decoder.registry.user", "key");
        p.put("decoder.registry.password", "reg-s3cret");
        p.put("decoder.registry.request-timeout", "7s");
        p.put("decoder.framing", "detect");
        p.put("decoder.reader-schema-file", avsc.toString());
        AvroConfluentDecoder built = AvroConfluentDecoder.builder()
                .registry(SchemaRegistryClient.builder().url("http://127.0.0.1:8081/subjects/orders-value")
                        .basicAuth("key", "reg-s3cret").requestTimeout(Duration.ofSeconds(7)).build())
                .framing(AvroConfluentDecoder.Framing.DETECT).readerSchema(new Schema.Parser().parse(ORDER)).build();
        assertEquals(built.toString(), create(p).toString());
    }

    @Test
    void theMapperAndTheEvolutionAreAvros() {
        AvroDecoderProvider provider = new AvroDecoderProvider();
        DefaultSchemaMapper rules = DefaultSchemaMapper.builder().strict(true).columnFromField("a", "b.c").build();
        assertInstanceOf(AvroSchemaMapper.class, provider.mapper(rules));
        assertInstanceOf(AvroSchemaEvolution.class, provider.schemaEvolution());
        assertEquals("p", PipelineConfig.fromMap(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "avro", "decoder.registry.url", "http://127.0.0.1:8081",
                "source.type", "generated")).name());
    }

    @Test
    void badKeysAreNamed(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.avsc"), "{\"type\":\"record\"");
        String message = assertThrows(IllegalArgumentException.class, () -> create(Map.of("decoder.registry.url",
                "http://127.0.0.1:8081", "decoder.reader-schema-file", broken.toString()))).getMessage();
        assertTrue(message.startsWith("decoder.reader-schema-file: '" + broken + "' is not a readable Avro schema"), message);
        message = assertThrows(IllegalArgumentException.class, () -> create(Map.of("decoder.registry.url",
                "http://127.0.0.1:8081", "decoder.framing", "plain"))).getMessage();
        assertTrue(message.startsWith("AvroConfluentDecoder: framing PLAIN reads messages without the schema id header")
                && message.contains("(set by decoder.framing)"), message);
        message = assertThrows(IllegalArgumentException.class, () -> create(Map.of("decoder.framing", "json"))).getMessage();
        assertTrue(message.startsWith("decoder.framing: 'json' is not one of confluent, plain, detect"), message);
    }

    @Test
    void everyKeyItReadsIsDocumented() throws Exception {
        dev.tributary.core.config.Config config = dev.tributary.core.config.Config.of(Map.of("decoder.registry.url", "http://127.0.0.1:8081"));
        new AvroDecoderProvider().create(config.prefix("decoder"), new dev.tributary.core.config.ProviderContext("p", config.prefix("sink")));
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
        for (String key : config.askedKeys()) {
            org.junit.jupiter.api.Assertions.assertTrue(doc.contains("| `" + key + "` |"), key + " is not in docs/configuration.md");
        }
        org.junit.jupiter.api.Assertions.assertTrue(config.askedKeys().size() > 9, config.askedKeys().toString());
    }
}
