package dev.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.examples.GitHubEvents;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's GitHub events as Confluent-framed Avro: the same values as
 * {@link GitHubEvents#json(long)}, with enums as Avro enums and times as timestamp-millis.
 */
final class GitHubAvro {

    static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "GitHubEvent", "namespace": "dev.tributary.bench", "fields": [
              {"name": "id", "type": "long"},
              {"name": "file_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "event_type", "type": {"type": "enum", "name": "EventType", "symbols": ["PushEvent", "CreateEvent",
                "WatchEvent", "IssuesEvent", "PullRequestEvent", "IssueCommentEvent", "ForkEvent", "DeleteEvent", "ReleaseEvent",
                "PullRequestReviewEvent"]}},
              {"name": "actor_login", "type": "string"},
              {"name": "repo_name", "type": "string"},
              {"name": "created_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "updated_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "action", "type": {"type": "enum", "name": "Action", "symbols": ["none", "created", "opened", "closed",
                "labeled", "synchronize", "merged"]}},
              {"name": "comment_id", "type": "long"},
              {"name": "path", "type": "string"},
              {"name": "ref", "type": "string"},
              {"name": "ref_type", "type": {"type": "enum", "name": "RefType", "symbols": ["none", "branch", "tag", "repository"]}},
              {"name": "creator_user_login", "type": "string"},
              {"name": "number", "type": "int"},
              {"name": "title", "type": "string"},
              {"name": "labels", "type": {"type": "array", "items": "string"}},
              {"name": "state", "type": {"type": "enum", "name": "State", "symbols": ["none", "open", "closed"]}},
              {"name": "assignee", "type": "string"},
              {"name": "assignees", "type": {"type": "array", "items": "string"}},
              {"name": "closed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "merged_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "merge_commit_sha", "type": "string"},
              {"name": "requested_reviewers", "type": {"type": "array", "items": "string"}},
              {"name": "merged_by", "type": "string"},
              {"name": "review_comments", "type": "int"},
              {"name": "member_login", "type": "string"}]}""");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ObjectMapper json = new ObjectMapper();
    private final GenericDatumWriter<GenericData.Record> writer = new GenericDatumWriter<>(SCHEMA);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private final int schemaId;
    private BinaryEncoder encoder;

    GitHubAvro(int schemaId) {
        this.schemaId = schemaId;
    }

    /** Event {@code n} in the Confluent wire format: byte 0, the 4-byte schema id, the Avro body. */
    byte[] message(long n) {
        try {
            JsonNode event = json.readTree(GitHubEvents.json(n));
            GenericData.Record record = new GenericData.Record(SCHEMA);
            for (Schema.Field field : SCHEMA.getFields()) {
                record.put(field.pos(), value(field.schema(), event.get(field.name())));
            }
            bytes.reset();
            bytes.write(0);
            bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(Schema schema, JsonNode node) {
        return switch (schema.getType()) {
            case LONG -> schema.getLogicalType() != null
                    ? LocalDateTime.parse(node.asText(), TIME).toInstant(ZoneOffset.UTC).toEpochMilli()
                    : node.asLong();
            case INT -> node.asInt();
            case STRING -> node.asText();
            case ENUM -> new GenericData.EnumSymbol(schema, node.asText());
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                node.forEach(item -> items.add(value(schema.getElementType(), item)));
                yield items;
            }
            default -> throw new IllegalArgumentException("no mapping for " + schema);
        };
    }
}
