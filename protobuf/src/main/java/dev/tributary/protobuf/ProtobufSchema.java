package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;

import java.util.List;
import java.util.Objects;

/**
 * A Protobuf schema: one {@code .proto} file (with its imports linked), and the registry id it was
 * found under ({@code -1} for a descriptor given in code). A message names its type by the
 * Confluent message indexes: the first is the index of a top-level message of the file, each next
 * one the index of a nested message in the one before ({@code [0]}: the file's first message).
 */
public final class ProtobufSchema {

    private final int id;
    private final Descriptors.FileDescriptor file;

    ProtobufSchema(int id, Descriptors.FileDescriptor file) {
        this.id = id;
        this.file = Objects.requireNonNull(file, "file");
    }

    /** The registry id, or -1. */
    public int id() {
        return id;
    }

    /** The file descriptor. */
    public Descriptors.FileDescriptor file() {
        return file;
    }

    /**
     * The message type at these indexes.
     *
     * @throws IllegalArgumentException when an index names no message, with the reason
     */
    Descriptors.Descriptor message(int[] indexes) {
        List<Descriptors.Descriptor> level = file.getMessageTypes();
        Descriptors.Descriptor message = null;
        StringBuilder where = new StringBuilder();
        for (int index : indexes) {
            if (index < 0 || index >= level.size()) {
                throw new IllegalArgumentException("message index " + index + " is out of range: "
                        + (message == null ? "the file " + file.getName() : "message " + message.getFullName()) + " has "
                        + level.size() + (message == null ? " top-level" : " nested") + " message types" + where);
            }
            message = level.get(index);
            where.setLength(0);
            where.append(" (after ").append(message.getFullName()).append(')');
            level = message.getNestedTypes();
        }
        if (message == null) {
            throw new IllegalArgumentException("the message index list is empty");
        }
        return message;
    }

    /** The message type of this full name ({@code package.Outer.Inner}), or null. */
    Descriptors.Descriptor messageNamed(String fullName) {
        String name = fullName.startsWith(".") ? fullName.substring(1) : fullName;
        String pkg = file.getPackage();
        String relative = pkg.isEmpty() ? name : name.startsWith(pkg + ".") ? name.substring(pkg.length() + 1) : null;
        if (relative == null) {
            return null;
        }
        String[] parts = relative.split("\\.");
        Descriptors.Descriptor message = file.findMessageTypeByName(parts[0]);
        for (int i = 1; i < parts.length && message != null; i++) {
            message = message.findNestedTypeByName(parts[i]);
        }
        return message;
    }

    @Override
    public String toString() {
        return (id < 0 ? "" : "schema id " + id + ", ") + "proto file " + file.getName();
    }
}
