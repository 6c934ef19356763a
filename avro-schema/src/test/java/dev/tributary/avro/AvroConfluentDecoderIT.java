package dev.tributary.avro;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.RetriableException;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.body;
import static dev.tributary.avro.AvroTestSupport.confluent;
import static dev.tributary.avro.AvroTestSupport.record;
import static dev.tributary.avro.AvroTestSupport.sourceRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder against Apicurio: framings, fixed schemas, reader schemas, the slow path, an unreachable registry. */
@ExtendWith(TestServers.class)
class AvroConfluentDecoderIT {

    private static final Schema PAYMENT = AvroTestSupport.parse("""
            {"type": "record", "name": "Payment", "fields": [
              {"name": "id", "type": "long"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "payer", "type": {"type": "record", "name": "Payer", "fields": [{"name": "name", "type": "string"}]}}]}""");

    private static Object payment(long id, String amount, String payer) {
        return record(PAYMENT, Map.of("id", id, "amount", new BigDecimal(amount),
                "payer", record(PAYMENT.getField("payer").schema(), Map.of("name", payer))));
    }

    private static String subject() {
        return "payments-" + System.nanoTime() + "-value";
    }

    @Test
    void aFramedMessageDecodesOnDemandForAnyMapper(SchemaRegistry registry) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = client.register(subject(), PAYMENT);
        AvroConfluentDecoder decoder = AvroConfluentDecoder.builder().registryUrl(registry.url().toString()).build();
        DecodedRecord decoded = decoder.decode(sourceRecord(confluent(id, PAYMENT, payment(7, "12.50", "ann"))));
        AvroRecord avro = assertInstanceOf(AvroRecord.class, decoded);
        assertEquals(id, avro.schemaId());
        assertEquals(PAYMENT, avro.writerSchema());
        assertEquals(7L, decoded.field(FieldPath.of("id")));
        assertEquals(new BigDecimal("12.50"), decoded.field(FieldPath.of("amount")));
        assertEquals("ann", decoded.field(FieldPath.parse("payer.name")));
        assertEquals(Map.of("name", "ann"), decoded.field(FieldPath.of("payer")));
        assertEquals(DecodedRecord.MISSING, decoded.field(FieldPath.of("nope")));

        // DefaultSchemaMapper (the slow path) and AvroSchemaMapper write the same row.
        var table = AvroTestSupport.table("id", "UInt64", "amount", "Decimal(9, 2)", "payer.name", "String");
        assertArrayEquals(row(DefaultSchemaMapper.create().plan(table, List.of()), decoded),
                row(AvroSchemaMapper.create().plan(table, List.of()), decoded));
    }

    @Test
    void aBrokenBodyReachesTheErrorTableThroughEitherMapper(SchemaRegistry registry) throws Exception {
        int id = SchemaRegistryClient.builder().url(registry.url().toString()).build().register(subject(), PAYMENT);
        AvroConfluentDecoder decoder = AvroConfluentDecoder.builder().registryUrl(registry.url().toString()).build();
        byte[] whole = confluent(id, PAYMENT, payment(7, "12.50", "a payer with a long name"));
        DecodedRecord truncated = decoder.decode(sourceRecord(Arrays.copyOf(whole, whole.length - 5)));
        var table = AvroTestSupport.table("id", "Int64", "payer.name", "String");

        MappingException fast = assertThrows(MappingException.class, () -> row(AvroSchemaMapper.create().plan(table, List.of()), truncated));
        assertEquals(dev.tributary.core.ErrorKind.DECODE, fast.kind());
        MappingException slow = assertThrows(MappingException.class, () -> row(DefaultSchemaMapper.create().plan(table, List.of()), truncated));
        assertEquals(dev.tributary.core.ErrorKind.DECODE, slow.kind());
        // The bounded walk that vets a body before Avro's generic reader names the problem and its byte.
        assertTrue(slow.getMessage().startsWith("undecodable Avro body (schema id " + id + "): MalformedAvroException a length of"),
                slow.getMessage());
    }

    @Test
    void messagesWithoutTheHeaderUseTheFixedSchemaOfTheUrl(SchemaRegistry registry) throws Exception {
        String subject = subject();
        int id = SchemaRegistryClient.builder().url(registry.url().toString()).build().register(subject, PAYMENT);
        byte[] plain = body(PAYMENT, payment(8, "1.00", "bo"));

        AvroConfluentDecoder bySubject = AvroConfluentDecoder.builder().registryUrl(registry.url() + "/subjects/" + subject)
                .framing(AvroConfluentDecoder.Framing.PLAIN).build();
        AvroRecord decoded = (AvroRecord) bySubject.decode(sourceRecord(plain));
        assertEquals(id, decoded.schemaId());
        assertEquals("bo", decoded.field(FieldPath.parse("payer.name")));

        AvroConfluentDecoder detect = AvroConfluentDecoder.builder().registryUrl(registry.url() + "/schemas/ids/" + id)
                .framing(AvroConfluentDecoder.Framing.DETECT).build();
        assertEquals(8L, detect.decode(sourceRecord(plain)).field(FieldPath.of("id")));  // first byte 0x10: plain
        assertEquals(9L, detect.decode(sourceRecord(confluent(id, PAYMENT, payment(9, "2.00", "cy")))).field(FieldPath.of("id")));

        IllegalArgumentException root = assertThrows(IllegalArgumentException.class, () -> AvroConfluentDecoder.builder()
                .registryUrl(registry.url().toString()).framing(AvroConfluentDecoder.Framing.PLAIN).build());
        assertTrue(root.getMessage().contains("needs a fixed schema"), root.getMessage());
    }

    @Test
    void aWriterSchemaTheReaderSchemaCannotReadIsADecodeError(SchemaRegistry registry) throws Exception {
        int id = SchemaRegistryClient.builder().url(registry.url().toString()).build().register(subject(), PAYMENT);
        Schema reader = AvroTestSupport.parse("""
                {"type": "record", "name": "Payment", "fields": [{"name": "id", "type": "string"}]}""");
        AvroConfluentDecoder decoder = AvroConfluentDecoder.builder().registryUrl(registry.url().toString()).readerSchema(reader).build();
        DecodeException e = assertThrows(DecodeException.class,
                () -> decoder.decode(sourceRecord(confluent(id, PAYMENT, payment(1, "1.00", "x")))));
        assertTrue(e.getMessage().startsWith("the writer schema (schema id " + id + ") cannot be read as the reader schema:"),
                e.getMessage());
    }

    @Test
    void anUnreachableRegistryMakesDecodingRetriable() {
        AvroConfluentDecoder decoder = AvroConfluentDecoder.builder().registry(SchemaRegistryClient.builder()
                .url("http://127.0.0.1:" + Loopback.freePort()).maxAttempts(1).build()).build();
        RetriableException e = assertThrows(RetriableException.class, () -> decoder.decode(sourceRecord(confluent(1, new byte[] {2}))));
        assertTrue(e.getMessage().contains("is unavailable"), e.getMessage());
    }

    private static byte[] row(MappingPlan plan, DecodedRecord decoded) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        plan.writeRow(decoded, sourceRecord(null), out);
        return out.toByteArray();
    }
}
