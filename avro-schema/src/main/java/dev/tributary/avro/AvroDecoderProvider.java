package dev.tributary.avro;

import dev.tributary.core.Decoder;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.DecoderProvider;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.registry.RegistryConfig;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code decoder.type=avro}: an {@link AvroConfluentDecoder} from {@code decoder.registry.*} (the registry
 * client, {@link RegistryConfig}), {@code decoder.framing} and {@code decoder.reader-schema-file}; its rows
 * are made by {@link AvroSchemaMapper} following the {@code mapper.*} rules, and {@code
 * pipeline.schema-evolution=true} is {@link AvroSchemaEvolution}.
 */
public final class AvroDecoderProvider implements DecoderProvider {

    @Override
    public String type() {
        return "avro";
    }

    @Override
    public Decoder create(Config decoder, ProviderContext context) {
        Optional<String> framing = decoder.choice("framing", List.of("confluent", "plain", "detect"));
        Optional<Path> readerSchemaFile = decoder.path("reader-schema-file");
        AvroConfluentDecoder.Builder builder = AvroConfluentDecoder.builder()
                .registry(SchemaRegistryClient.of(RegistryConfig.client(decoder.prefix("registry"))));
        framing.ifPresent(f -> builder.framing(AvroConfluentDecoder.Framing.valueOf(f.toUpperCase(java.util.Locale.ROOT))));
        readerSchemaFile.ifPresent(file -> {
            try {
                builder.readerSchema(new Schema.Parser().parse(file.toFile()));
            } catch (IOException | SchemaParseException e) {
                throw decoder.invalid("reader-schema-file", "is not a readable Avro schema (" + e.getMessage() + ")",
                        "/etc/tributary/order.avsc");
            }
        });
        return builder.build();
    }

    @Override
    public SchemaMapper mapper(DefaultSchemaMapper rules) {
        return AvroSchemaMapper.of(rules);
    }

    @Override
    public SchemaEvolution schemaEvolution() {
        return AvroSchemaEvolution.create();
    }
}
