package dev.tributary.protobuf;

import dev.tributary.core.config.Config;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.registry.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufDecoderProviderTest {

    private static Object create(Map<String, String> keys) {
        Config config = Config.of(keys);
        Config decoder = config.prefix("decoder");
        // As PipelineConfig calls it: a refusal of the builder gets the keys that set it.
        Object built = decoder.build(() -> new ProtobufDecoderProvider().create(decoder, new ProviderContext("p", config.prefix("sink"))));
        config.refuseUnknownKeys();
        return built;
    }

    @Test
    void everyKeyReachesItsBuilderCall() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("decoder.registry.url", "http://127.0.0.1:8081/subjects/orders-value");
        p.put("decoder.registry.user", "key");
        p.put("decoder.registry.password", "reg-s3cret");
        p.put("decoder.registry.max-attempts", "2");
        p.put("decoder.framing", "plain");
        p.put("decoder.message-type", "shop.Order.Line");
        ProtobufConfluentDecoder built = ProtobufConfluentDecoder.builder()
                .registry(SchemaRegistryClient.builder().url("http://127.0.0.1:8081/subjects/orders-value")
                        .basicAuth("key", "reg-s3cret").maxAttempts(2).build())
                .framing(ProtobufConfluentDecoder.Framing.PLAIN).messageType("shop.Order.Line").build();
        assertEquals(built.toString(), create(p).toString());
        assertEquals(ProtobufConfluentDecoder.builder().registryUrl("http://127.0.0.1:8081").build().toString(),
                create(Map.of("decoder.registry.url", "http://127.0.0.1:8081")).toString());
    }

    @Test
    void theMapperIsProtobufsAndThereIsNoEvolution() {
        ProtobufDecoderProvider provider = new ProtobufDecoderProvider();
        assertInstanceOf(ProtobufSchemaMapper.class, provider.mapper(DefaultSchemaMapper.create()));
        assertNull(provider.schemaEvolution());
    }

    @Test
    void badKeysAreNamed() {
        String message = assertThrows(IllegalArgumentException.class, () -> create(Map.of("decoder.registry.url",
                "http://127.0.0.1:8081", "decoder.message-type", "shop.Order"))).getMessage();
        assertTrue(message.startsWith("ProtobufConfluentDecoder: messageType(...) is for framing PLAIN")
                && message.contains("decoder.message-type"), message);
        message = assertThrows(IllegalArgumentException.class, () -> create(Map.of("decoder.registry.url",
                "http://127.0.0.1:8081", "decoder.framing", "detect"))).getMessage();
        assertTrue(message.startsWith("decoder.framing: 'detect' is not one of confluent, plain"), message);
    }

    @Test
    void everyKeyItReadsIsDocumented() throws Exception {
        dev.tributary.core.config.Config config = dev.tributary.core.config.Config.of(Map.of("decoder.registry.url", "http://127.0.0.1:8081"));
        new ProtobufDecoderProvider().create(config.prefix("decoder"), new dev.tributary.core.config.ProviderContext("p", config.prefix("sink")));
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "configuration.md"));
        for (String key : config.askedKeys()) {
            org.junit.jupiter.api.Assertions.assertTrue(doc.contains("| `" + key + "` |"), key + " is not in docs/configuration.md");
        }
        org.junit.jupiter.api.Assertions.assertTrue(config.askedKeys().size() > 9, config.askedKeys().toString());
    }
}
