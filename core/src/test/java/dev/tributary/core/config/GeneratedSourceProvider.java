package dev.tributary.core.config;

import dev.tributary.core.Source;
import dev.tributary.core.testing.GeneratedSource;

import java.nio.charset.StandardCharsets;

/** {@code source.type=generated} for the tests: a {@link GeneratedSource} of {@code source.records} JSON records. */
public final class GeneratedSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "generated";
    }

    @Override
    public Source create(Config source, ProviderContext context) {
        int splits = source.integer("splits").orElse(1);
        long records = source.longValue("records").orElse(10L);
        return new GeneratedSource(splits, records, 100,
                i -> ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }
}
