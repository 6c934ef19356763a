package dev.tributary.avro;

import dev.tributary.core.SampleStart;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.preview.Preview;
import dev.tributary.core.preview.PreviewJson;
import dev.tributary.core.preview.PreviewRecord;
import dev.tributary.kafka.KafkaSampler;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A preview of JSON and Avro topics through the Kafka sampler: records decoded as trees, errors named, printed as JSON lines. */
@ExtendWith(TestServers.class)
class KafkaPreviewIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Schema PAYMENT = AvroTestSupport.parse("""
            {"type": "record", "name": "Payment", "fields": [
              {"name": "id", "type": "long"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["OPEN", "PAID"]}},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "note", "type": ["null", "string"], "default": null},
              {"name": "payer", "type": {"type": "record", "name": "Payer", "fields": [{"name": "name", "type": "string"}]}}]}""");

    private static Object payment(long id, String amount, String payer) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("amount", new BigDecimal(amount));
        fields.put("state", new org.apache.avro.generic.GenericData.EnumSymbol(PAYMENT.getField("state").schema(), "PAID"));
        fields.put("at", Instant.parse("2026-11-28T12:00:00.250Z"));
        fields.put("payer", AvroTestSupport.record(PAYMENT.getField("payer").schema(), Map.of("name", payer)));
        return AvroTestSupport.record(PAYMENT, fields);
    }

    private static KafkaSampler sampler(KafkaBroker kafka, String topic, SampleStart start) {
        return KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).buildSampler(start);
    }

    @Test
    void aJsonTopicPreviewedDecodedWithItsErrorsAndVirtualColumns(KafkaBroker kafka) throws Exception {
        String topic = AvroKafka.topic(kafka, "preview-json", 1);
        AvroKafka.produce(kafka, topic, Arrays.asList(
                "{\"id\":1,\"user\":{\"login\":\"ann\"},\"tags\":[\"a\",\"b\"],\"amount\":2.50}".getBytes(StandardCharsets.UTF_8),
                "{\"id\":2,".getBytes(StandardCharsets.UTF_8),
                null,
                "{\"id\":4,\"user\":null,\"tags\":[],\"amount\":-1}".getBytes(StandardCharsets.UTF_8)));
        try (KafkaSampler sampler = sampler(kafka, topic, SampleStart.EARLIEST)) {
            Preview preview = Preview.builder().sampler(sampler).decoder(JsonDecoder.create())
                    .virtualColumns("_partition", "_offset", "_key").build();
            List<PreviewRecord> records = preview.sample(10, TIMEOUT);
            assertEquals(4, records.size());

            Map<String, Object> first = new LinkedHashMap<>();
            first.put("id", 1L);
            first.put("user", Map.of("login", "ann"));
            first.put("tags", List.of("a", "b"));
            first.put("amount", new BigDecimal("2.50"));
            assertEquals(first, records.get(0).decoded());
            assertEquals(Map.of("_partition", 0L, "_offset", 0L), Map.of("_partition", records.get(0).virtualColumns()
                    .get("_partition"), "_offset", records.get(0).virtualColumns().get("_offset")));
            assertTrue(records.get(1).decodeError().startsWith("malformed JSON"), records.get(1).decodeError());
            assertEquals("the record has no value (a tombstone)", records.get(2).decodeError());

            StringWriter out = new StringWriter();
            PreviewJson.writeLines(records, out);
            String[] lines = out.toString().split("\n");
            assertEquals(4, lines.length);
            assertEquals("{\"position\":\"" + topic + "/0@0\",\"timestamp\":\""
                    + Instant.ofEpochMilli(records.get(0).timestampMillis()) + "\",\"decoded\":{\"id\":1,\"user\":{\"login\":\"ann\"},"
                    + "\"tags\":[\"a\",\"b\"],\"amount\":2.50},\"key\":\"k0\",\"value\":\"{\\\"id\\\":1,\\\"user\\\":{\\\"login\\\":"
                    + "\\\"ann\\\"},\\\"tags\\\":[\\\"a\\\",\\\"b\\\"],\\\"amount\\\":2.50}\",\"virtual_columns\":{\"_partition\":0,"
                    + "\"_offset\":0,\"_key\":\"k0\"}}", lines[0]);
            assertTrue(lines[2].contains("\"value\":null"), lines[2]);
            assertTrue(lines[3].contains("\"decoded\":{\"id\":4,\"user\":null,\"tags\":[],\"amount\":-1}"), lines[3]);
        }
    }

    @Test
    void anAvroTopicPreviewedThroughTheRegistry(KafkaBroker kafka, SchemaRegistry registry) throws Exception {
        String topic = AvroKafka.topic(kafka, "preview-avro", 1);
        int id = SchemaRegistryClient.builder().url(registry.url().toString()).build()
                .register(topic + "-value", PAYMENT);
        byte[] whole = AvroTestSupport.confluent(id, PAYMENT, payment(7, "12.50", "ann"));
        AvroKafka.produce(kafka, topic, List.of(whole, AvroTestSupport.confluent(id, PAYMENT, payment(8, "-0.99", "bob")),
                Arrays.copyOf(whole, whole.length - 3)));
        try (KafkaSampler sampler = sampler(kafka, topic, SampleStart.LATEST);
             AvroConfluentDecoder decoder = AvroConfluentDecoder.builder().registryUrl(registry.url().toString()).build()) {
            List<PreviewRecord> records = Preview.builder().sampler(sampler).decoder(decoder).virtualColumns("_offset")
                    .build().sample(2, TIMEOUT);
            assertEquals(2, records.size(), "the last two records");

            PreviewRecord bob = records.get(0);
            assertEquals(topic + "/0@1", bob.position().toString());
            assertNull(bob.decodeError());
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("id", 8L);
            expected.put("amount", new BigDecimal("-0.99"));
            expected.put("state", "PAID");
            expected.put("at", Instant.parse("2026-11-28T12:00:00.250Z"));
            expected.put("note", null);
            expected.put("payer", Map.of("name", "bob"));
            assertEquals(expected, bob.decoded());
            assertTrue(bob.toJson().contains("\"decoded\":{\"id\":8,\"amount\":-0.99,\"state\":\"PAID\","
                    + "\"at\":\"2026-11-28T12:00:00.250Z\",\"note\":null,\"payer\":{\"name\":\"bob\"}}"), bob.toJson());

            PreviewRecord truncated = records.get(1);
            assertEquals(2L, truncated.virtualColumns().get("_offset"));
            assertNull(truncated.decoded());
            assertTrue(truncated.decodeError().startsWith("undecodable Avro body"), truncated.decodeError());
        }
    }
}
