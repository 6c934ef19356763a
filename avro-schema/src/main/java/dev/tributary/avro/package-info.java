/** Avro decoding and the schema-registry client. */
package dev.tributary.avro;
