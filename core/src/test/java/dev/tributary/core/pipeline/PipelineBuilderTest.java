package dev.tributary.core.pipeline;

import dev.tributary.core.BatchingSink;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.JsonSchemaEvolution;
import dev.tributary.core.testing.GeneratedSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineBuilderTest {

    private static Pipeline.Builder valid() {
        return Pipeline.builder().name("p").source(new GeneratedSource(1, 0, 1, i -> new byte[0]))
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint("http://127.0.0.1:8123").table("t").build());
    }

    private static void assertNamesSetting(Pipeline.Builder builder, String setting) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(setting), "'" + error.getMessage() + "' should name " + setting);
    }

    @Test
    void namesTheWrongSetting() {
        assertNamesSetting(valid().name(null), "name is not set");
        assertNamesSetting(valid().name("has space"), "name 'has space' is not valid");
        assertNamesSetting(valid().source(null), "source is not set");
        assertNamesSetting(valid().decoder(null), "decoder is not set");
        assertNamesSetting(valid().sink(null), "sink is not set");
        assertNamesSetting(valid().pollTimeout(Duration.ZERO), "pollTimeout");
        assertNamesSetting(valid().metricsLogInterval(Duration.ofSeconds(-1)), "metricsLogInterval");
        assertNamesSetting(valid().maxRecordBytes(0), "maxRecordBytes");
        assertNamesSetting(valid().shutdownTimeout(Duration.ZERO), "shutdownTimeout");
    }

    @Test
    void schemaEvolutionIsRefusedWithExactlyOnceAndWithASinkThatCannotAddColumns() {
        assertNamesSetting(valid().schemaEvolution(JsonSchemaEvolution.create())
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE), "schemaEvolution cannot be combined with deliveryGuarantee EXACTLY_ONCE");
        BatchingSink cannotAdd = (BatchingSink) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{BatchingSink.class}, (proxy, method, args) -> method.isDefault()
                        ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args) : null);
        assertNamesSetting(valid().sink(cannotAdd).schemaEvolution(JsonSchemaEvolution.create()),
                "schemaEvolution needs sinks that can add columns");
        assertEquals(Pipeline.State.CREATED, valid().schemaEvolution(JsonSchemaEvolution.create()).build().state());
    }

    @Test
    void aPipelineStoppedBeforeItStartedIsStopped() throws InterruptedException {
        Pipeline pipeline = valid().build();
        pipeline.stop();
        assertTrue(pipeline.awaitTermination(Duration.ofSeconds(1)));
        assertEquals(Pipeline.State.STOPPED, pipeline.state());
        assertThrows(IllegalStateException.class, pipeline::start);
    }
}
