/**
 * Protobuf in the Confluent wire format with schemas from a Confluent-API schema registry:
 * {@link dev.tributary.protobuf.ProtobufConfluentDecoder}, the fast-path
 * {@link dev.tributary.protobuf.ProtobufSchemaMapper}, and
 * {@link dev.tributary.protobuf.ProtobufTableDdl}. Rules in {@code docs/protobuf.md}.
 */
package dev.tributary.protobuf;
