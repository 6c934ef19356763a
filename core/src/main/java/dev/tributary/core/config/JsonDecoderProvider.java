package dev.tributary.core.config;

import dev.tributary.core.Decoder;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.JsonSchemaEvolution;

/** {@code decoder.type=json}: a {@link JsonDecoder}; key {@code decoder.max-nesting-depth}. */
public final class JsonDecoderProvider implements DecoderProvider {

    @Override
    public String type() {
        return "json";
    }

    @Override
    public Decoder create(Config decoder, ProviderContext context) {
        JsonDecoder.Builder builder = JsonDecoder.builder();
        decoder.integer("max-nesting-depth").ifPresent(builder::maxNestingDepth);
        return builder.build();
    }

    @Override
    public SchemaEvolution schemaEvolution() {
        return JsonSchemaEvolution.create();
    }
}
