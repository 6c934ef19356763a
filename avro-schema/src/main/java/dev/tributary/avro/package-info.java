/**
 * Avro in the Confluent wire format, with schemas from a Confluent-API schema registry.
 *
 * <ul>
 *   <li>{@link dev.tributary.avro.SchemaRegistryClient} — the registry's REST API: schemas by id
 *       or subject version, cached, with bounded retries, basic auth and a private CA;</li>
 *   <li>{@link dev.tributary.avro.AvroConfluentDecoder} — reads the header and resolves the
 *       writer schema; hands over an {@link dev.tributary.avro.AvroRecord} whose body is decoded
 *       later;</li>
 *   <li>{@link dev.tributary.avro.AvroSchemaMapper} — compiles a reader plan per writer schema and
 *       decodes each body straight into the row (the fast path);</li>
 *   <li>{@link dev.tributary.avro.AvroTableDdl} — a {@code CREATE TABLE} from a schema.</li>
 * </ul>
 *
 * See {@code docs/avro.md} for the mapping rules.
 */
package dev.tributary.avro;
