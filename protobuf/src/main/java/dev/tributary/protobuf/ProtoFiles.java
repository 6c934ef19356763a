package dev.tributary.protobuf;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import com.squareup.wire.schema.CoreLoader;
import com.squareup.wire.schema.ErrorCollector;
import com.squareup.wire.schema.Linker;
import com.squareup.wire.schema.Loader;
import com.squareup.wire.schema.Location;
import com.squareup.wire.schema.ProtoFile;
import com.squareup.wire.schema.Schema;
import com.squareup.wire.schema.internal.SchemaEncoder;
import com.squareup.wire.schema.internal.parser.ProtoParser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code .proto} text → protobuf-java {@link Descriptors.FileDescriptor}s. protobuf-java builds
 * descriptors from {@code FileDescriptorProto}s but cannot parse {@code .proto} text; Square's
 * wire-schema parses and links the text (imports resolved among the given files, the well-known
 * {@code google/protobuf/*.proto} from its own copies) and encodes each file as a
 * {@code FileDescriptorProto}. The well-known files are then swapped for protobuf-java's own
 * descriptors, so that {@code google.protobuf.Timestamp} and the rest are the very types the
 * mapping recognises.
 */
final class ProtoFiles {

    /** protobuf-java's descriptors of the well-known files, by import path. */
    private static final Map<String, Descriptors.FileDescriptor> WELL_KNOWN = Map.of(
            "google/protobuf/timestamp.proto", TimestampProto.getDescriptor(),
            "google/protobuf/duration.proto", DurationProto.getDescriptor(),
            "google/protobuf/wrappers.proto", WrappersProto.getDescriptor(),
            "google/protobuf/any.proto", AnyProto.getDescriptor(),
            "google/protobuf/empty.proto", EmptyProto.getDescriptor(),
            "google/protobuf/struct.proto", StructProto.getDescriptor(),
            "google/protobuf/descriptor.proto", DescriptorProtos.getDescriptor());

    private ProtoFiles() {
    }

    /**
     * Parses and links {@code files} (import path → text, every import among them or well known)
     * and returns the descriptor of {@code main}.
     *
     * @throws IllegalArgumentException naming the file and the problem when the text does not parse or link
     */
    static Descriptors.FileDescriptor parse(String main, Map<String, String> files) {
        Map<String, ProtoFile> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, String> file : files.entrySet()) {
            try {
                parsed.put(file.getKey(), ProtoFile.Companion.get(ProtoParser.Companion.parse(Location.get(file.getKey()),
                        file.getValue())));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file.getKey() + " does not parse as a .proto file: " + e.getMessage(), e);
            }
        }
        Schema schema;
        try {
            ErrorCollector errors = new ErrorCollector();
            schema = new Linker(new FilesLoader(parsed), errors, false, true).link(parsed.values());
            errors.throwIfNonEmpty();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(main + " does not link: " + e.getMessage(), e);
        }
        Map<String, Descriptors.FileDescriptor> built = new HashMap<>(WELL_KNOWN);
        return build(main, schema, built, new ArrayList<>());
    }

    private static Descriptors.FileDescriptor build(String path, Schema schema, Map<String, Descriptors.FileDescriptor> built,
                                                    List<String> building) {
        Descriptors.FileDescriptor known = built.get(path);
        if (known != null) {
            return known;
        }
        if (building.contains(path)) {
            throw new IllegalArgumentException("the imports of " + path + " form a cycle: " + building);
        }
        ProtoFile file = schema.protoFile(path);
        if (file == null) {
            throw new IllegalArgumentException("the import " + path + " is not among the schema's references");
        }
        building.add(path);
        DescriptorProtos.FileDescriptorProto proto;
        try {
            proto = DescriptorProtos.FileDescriptorProto.parseFrom(new SchemaEncoder(schema).encode(file).toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(path + " cannot be encoded as a FileDescriptorProto: " + e.getMessage(), e);
        }
        List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            dependencies.add(build(dependency, schema, built, building));
        }
        building.remove(path);
        Descriptors.FileDescriptor descriptor;
        try {
            descriptor = Descriptors.FileDescriptor.buildFrom(proto, dependencies.toArray(Descriptors.FileDescriptor[]::new));
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalArgumentException(path + " is not a valid schema: " + e.getMessage(), e);
        }
        built.put(path, descriptor);
        return descriptor;
    }

    /** The given files by path; the well-known ones from wire-schema's copies. */
    private record FilesLoader(Map<String, ProtoFile> files) implements Loader {
        @Override
        public ProtoFile load(String path) {
            ProtoFile file = files.get(path);
            return file != null ? file : CoreLoader.INSTANCE.load(path);
        }

        @Override
        public Loader withErrors(ErrorCollector errors) {
            return this;
        }
    }
}
