package dev.tributary.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import dev.tributary.examples.GitHubEvents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The benchmark's GitHub events as Confluent-framed Protobuf: the same values as
 * {@link GitHubEvents#json(long)}, enums as Protobuf enums (each in a message of its own, since
 * Protobuf scopes enum values beside their enum and several share {@code none}), times as
 * {@code google.protobuf.Timestamp}.
 */
final class GitHubProtobuf {

    static final String SCHEMA = """
            syntax = "proto3";
            package bench;
            import "google/protobuf/timestamp.proto";
            message GitHubEvent {
              int64 id = 1;
              google.protobuf.Timestamp file_time = 2;
              EventType.Value event_type = 3;
              string actor_login = 4;
              string repo_name = 5;
              google.protobuf.Timestamp created_at = 6;
              google.protobuf.Timestamp updated_at = 7;
              Action.Value action = 8;
              int64 comment_id = 9;
              string path = 10;
              string ref = 11;
              RefType.Value ref_type = 12;
              string creator_user_login = 13;
              int32 number = 14;
              string title = 15;
              repeated string labels = 16;
              State.Value state = 17;
              string assignee = 18;
              repeated string assignees = 19;
              google.protobuf.Timestamp closed_at = 20;
              google.protobuf.Timestamp merged_at = 21;
              string merge_commit_sha = 22;
              repeated string requested_reviewers = 23;
              string merged_by = 24;
              int32 review_comments = 25;
              string member_login = 26;
            }
            message EventType { enum Value { PushEvent = 0; CreateEvent = 1; WatchEvent = 2; IssuesEvent = 3; PullRequestEvent = 4;
              IssueCommentEvent = 5; ForkEvent = 6; DeleteEvent = 7; ReleaseEvent = 8; PullRequestReviewEvent = 9; } }
            message Action { enum Value { none = 0; created = 1; opened = 2; closed = 3; labeled = 4; synchronize = 5; merged = 6; } }
            message RefType { enum Value { none = 0; branch = 1; tag = 2; repository = 3; } }
            message State { enum Value { none = 0; open = 1; closed = 2; } }
            """;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ObjectMapper json = new ObjectMapper();
    private final Descriptors.Descriptor type;
    private final int schemaId;

    GitHubProtobuf(Descriptors.Descriptor type, int schemaId) {
        this.type = type;
        this.schemaId = schemaId;
    }

    /** Event {@code n} in the Confluent wire format: byte 0, the 4-byte schema id, message index 0, the body. */
    byte[] message(long n) {
        try {
            JsonNode event = json.readTree(GitHubEvents.json(n));
            DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
            for (Descriptors.FieldDescriptor field : type.getFields()) {
                JsonNode value = event.get(field.getName());
                if (field.isRepeated()) {
                    value.forEach(item -> message.addRepeatedField(field, item.asText()));
                    continue;
                }
                message.setField(field, switch (field.getJavaType()) {
                    case LONG -> value.asLong();
                    case INT -> value.asInt();
                    case STRING -> value.asText();
                    case ENUM -> field.getEnumType().findValueByName(value.asText());
                    case MESSAGE -> timestamp(value.asText());
                    default -> throw new IllegalArgumentException("no mapping for " + field);
                });
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
            bytes.write(0);
            bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            bytes.write(0);
            message.build().writeTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Timestamp timestamp(String text) {
        return Timestamp.newBuilder().setSeconds(LocalDateTime.parse(text, TIME).toEpochSecond(ZoneOffset.UTC)).build();
    }
}
