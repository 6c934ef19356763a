package dev.tributary.core.config;

import dev.tributary.core.Decoder;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.mapping.DefaultSchemaMapper;

/**
 * Makes a {@link Decoder} from its settings ({@code decoder.*}), for {@link PipelineConfig}; registered in
 * {@code META-INF/services/dev.tributary.core.config.DecoderProvider} and picked by {@code decoder.type}.
 * It also says which mapper suits its records (a format's fast-path mapper) and which schema evolution.
 */
public interface DecoderProvider {

    /** The {@code decoder.type} this provider answers to, e.g. {@code json}. */
    String type();

    /** The decoder built from {@code decoder} (the view of the {@code decoder.*} keys). */
    Decoder create(Config decoder, ProviderContext context);

    /** The mapper for this decoder's records following {@code rules} (the {@code mapper.*} keys); by default the rules themselves. */
    default SchemaMapper mapper(DefaultSchemaMapper rules) {
        return rules;
    }

    /** The schema evolution for this decoder's records ({@code pipeline.schema-evolution=true}), or null if it has none. */
    default SchemaEvolution schemaEvolution() {
        return null;
    }
}
