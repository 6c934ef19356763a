package dev.tributary.protobuf;

import dev.tributary.core.Decoder;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.DecoderProvider;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.registry.RegistryConfig;

import java.util.List;
import java.util.Optional;

/**
 * {@code decoder.type=protobuf}: a {@link ProtobufConfluentDecoder} from {@code decoder.registry.*} (the
 * registry client, {@link RegistryConfig}), {@code decoder.framing} and {@code decoder.message-type}; its
 * rows are made by {@link ProtobufSchemaMapper} following the {@code mapper.*} rules. A descriptor given as
 * an object (no registry) is code: {@code ProtobufConfluentDecoder.builder().descriptor(...)}.
 */
public final class ProtobufDecoderProvider implements DecoderProvider {

    @Override
    public String type() {
        return "protobuf";
    }

    @Override
    public Decoder create(Config decoder, ProviderContext context) {
        Optional<String> framing = decoder.choice("framing", List.of("confluent", "plain"));
        Optional<String> messageType = decoder.string("message-type");
        ProtobufConfluentDecoder.Builder builder = ProtobufConfluentDecoder.builder()
                .registry(RegistryConfig.client(decoder.prefix("registry")));
        framing.ifPresent(f -> builder.framing(ProtobufConfluentDecoder.Framing.valueOf(f.toUpperCase(java.util.Locale.ROOT))));
        messageType.ifPresent(builder::messageType);
        return builder.build();
    }

    @Override
    public SchemaMapper mapper(DefaultSchemaMapper rules) {
        return ProtobufSchemaMapper.of(rules);
    }
}
