/**
 * The one client of the Confluent Schema Registry REST API,
 * {@link dev.tributary.registry.SchemaRegistryClient}: schemas as text with their type and
 * references, for the Avro and Protobuf modules to parse.
 */
package dev.tributary.registry;
