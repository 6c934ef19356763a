package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader plan of one message type: scans a body once, notes where each field a column needs
 * occurs (skipping the others, and unknown fields, unread), then writes each column's RowBinary
 * from those places into a scratch buffer — a "slot" per column — or notes that the value is null
 * or missing. {@link ProtobufMappingPlan} then copies the slots in table order. Columns with dots
 * ({@code customer.address.city}) reach into nested messages; a field is found by name, or by
 * number when the segment is a number the message has no field named.
 *
 * <p>Absent fields follow the Protobuf rules: a field with presence (a message, {@code optional},
 * a {@code oneof} member, a wrapper) is null; a field without presence has its default (0, "",
 * false, the first enum value); a repeated or map field is empty. A field the message type does
 * not declare is missing (the column's DEFAULT or zero). Compiled once per message type; not
 * thread-safe.
 */
final class MessageReader {

    static final byte MISSING = 0;
    static final byte NULL = 1;
    static final byte PRESENT = 2;

    /** A payload column: its name, type and the field path it reads. */
    record PayloadColumn(String name, ClickHouseType type, FieldPath path) {
    }

    /** One column's field: which slot, the field, how it is written, and the message level it is in. */
    private record Capture(int slot, FieldDescriptor field, FieldWriters.FieldWriter writer, ColumnEncoder encoder, Object defaultValue,
                           Node owner, boolean atTag) {
        Capture(int slot, FieldDescriptor field, FieldWriters.FieldWriter writer, ColumnEncoder encoder, Object defaultValue,
                Node owner) {
            this(slot, field, writer, encoder, defaultValue, owner, false);
        }
    }

    /** One message level: per field number the captures and the child level. */
    private static final class Node {
        final Descriptors.Descriptor type;
        final Map<Integer, List<Capture>> captures = new HashMap<>();
        final Map<Integer, Node> children = new HashMap<>();
        final int index;
        Capture[][] captureByField;
        Node[] childByField;
        Map<Integer, Capture[]> sparseCaptures;
        Map<Integer, Node> sparseChildren;

        Node(Descriptors.Descriptor type, int index) {
            this.type = type;
            this.index = index;
        }

        void freeze() {
            int max = 0;
            for (int number : captures.keySet()) {
                max = Math.max(max, number);
            }
            for (int number : children.keySet()) {
                max = Math.max(max, number);
            }
            if (max <= 1024) {
                captureByField = new Capture[max + 1][];
                childByField = new Node[max + 1];
                captures.forEach((number, list) -> captureByField[number] = list.toArray(Capture[]::new));
                children.forEach((number, child) -> childByField[number] = child);
            } else {
                sparseCaptures = new HashMap<>();
                captures.forEach((number, list) -> sparseCaptures.put(number, list.toArray(Capture[]::new)));
                sparseChildren = children;
            }
            children.values().forEach(Node::freeze);
        }

        Capture[] capturesOf(int number) {
            if (captureByField != null) {
                return number < captureByField.length ? captureByField[number] : null;
            }
            return sparseCaptures.get(number);
        }

        Node childOf(int number) {
            if (childByField != null) {
                return number < childByField.length ? childByField[number] : null;
            }
            return sparseChildren.get(number);
        }
    }

    private final String describe;
    private final Node root;
    private final String[] columns;
    private final Capture[] captureOfSlot;
    private final int nodeCount;
    private final String refusedColumn;
    private final String refusal;

    private final byte[] states;
    private final int[] starts;
    private final int[] ends;
    private final int[][] occurrences;
    private final int[] counts;
    private final boolean[] nodeSeen;
    private final RowBinaryOutput scratch = new RowBinaryOutput(1024);
    private final WireCursor cursor = new WireCursor();
    private final WireCursor valueCursor = new WireCursor();

    private MessageReader(String describe, Node root, List<PayloadColumn> columns, Capture[] captureOfSlot, int nodeCount,
                          String refusedColumn, String refusal) {
        this.describe = describe;
        this.root = root;
        this.columns = columns.stream().map(PayloadColumn::name).toArray(String[]::new);
        this.captureOfSlot = captureOfSlot;
        this.nodeCount = nodeCount;
        this.refusedColumn = refusedColumn;
        this.refusal = refusal;
        int n = columns.size();
        this.states = new byte[n];
        this.starts = new int[n];
        this.ends = new int[n];
        this.occurrences = new int[n][4];
        this.counts = new int[n];
        this.nodeSeen = new boolean[nodeCount];
    }

    /** Compiles the plan of {@code message} for {@code columns}; a column whose type the field cannot take makes a refusing plan. */
    static MessageReader compile(Descriptors.Descriptor message, String describe, List<PayloadColumn> columns, ZoneId zone) {
        Node root = new Node(message, 0);
        int[] nodes = {1};
        Capture[] captureOfSlot = new Capture[columns.size()];
        for (int slot = 0; slot < columns.size(); slot++) {
            PayloadColumn column = columns.get(slot);
            String problem = null;
            Node node = root;
            FieldPath path = column.path();
            for (int i = 0; i < path.size() && problem == null; i++) {
                FieldDescriptor field = find(node.type, path.segment(i));
                if (field == null) {
                    Descriptors.OneofDescriptor oneof = i == path.size() - 1 ? realOneof(node.type, path.segment(i)) : null;
                    if (oneof != null) { // a column for a whole oneof (a Variant): the member set last
                        ColumnEncoder encoder = ColumnEncoders.forType(column.type(), zone);
                        FieldWriters.FieldWriter writer = FieldWriters.oneof(oneof, encoder);
                        Capture first = null;
                        for (FieldDescriptor member : oneof.getFields()) {
                            Capture capture = new Capture(slot, member, writer, encoder, null, node, true);
                            node.captures.computeIfAbsent(member.getNumber(), k -> new ArrayList<>()).add(capture);
                            first = first == null ? capture : first;
                        }
                        captureOfSlot[slot] = first;
                    }
                    break; // otherwise the message has no such field: the column's value is missing
                }
                boolean last = i == path.size() - 1;
                boolean throughRepeated = !last && field.isRepeated() && !field.isMapField()
                        && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
                if (last || throughRepeated) {
                    ColumnEncoder encoder = ColumnEncoders.forType(column.type(), zone);
                    List<String> projection = last ? List.of() : path.segments().subList(i + 1, path.size());
                    problem = ProtobufTypeMapping.refusal(field, column.type(), !projection.isEmpty());
                    if (problem == null) {
                        Capture capture = new Capture(slot, field, FieldWriters.of(field, column.type(), encoder, projection), encoder,
                                FieldWriters.defaultValue(field, column.type()), node);
                        node.captures.computeIfAbsent(field.getNumber(), k -> new ArrayList<>()).add(capture);
                        captureOfSlot[slot] = capture;
                    }
                    break;
                }
                if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isRepeated()) {
                    break; // a path through something that is not a message finds nothing
                }
                Node parent = node;
                node = parent.children.computeIfAbsent(field.getNumber(), k -> new Node(field.getMessageType(), nodes[0]++));
            }
            if (problem != null) {
                return new MessageReader(describe, null, columns, captureOfSlot, 1, column.name(),
                        "field " + path + " of " + message.getFullName() + ": " + problem + " (" + describe + ")");
            }
        }
        root.freeze();
        return new MessageReader(describe, root, columns, captureOfSlot, nodes[0], null, null);
    }

    private static Descriptors.OneofDescriptor realOneof(Descriptors.Descriptor type, String name) {
        for (Descriptors.OneofDescriptor oneof : type.getRealOneofs()) {
            if (oneof.getName().equals(name)) {
                return oneof;
            }
        }
        return null;
    }

    private static FieldDescriptor find(Descriptors.Descriptor type, String segment) {
        FieldDescriptor field = type.findFieldByName(segment);
        if (field == null && !segment.isEmpty() && segment.length() <= 9 && segment.chars().allMatch(Character::isDigit)) {
            field = type.findFieldByNumber(Integer.parseInt(segment));
        }
        return field;
    }

    /** Why every message of this type is refused (see {@link #read}), or null. */
    String refusal() {
        return refusal == null ? null : "column " + refusedColumn + ": " + refusal;
    }

    /**
     * Reads the body of {@code record} into the slots.
     *
     * @throws MappingException of kind DECODE for broken bytes, of kind MAPPING (naming the column)
     *     for a value its column cannot take or a type this plan refuses
     */
    void read(ProtobufRecord record) throws MappingException {
        if (refusal != null) {
            throw new MappingException(refusedColumn, refusal);
        }
        Arrays.fill(counts, 0);
        Arrays.fill(nodeSeen, false);
        scratch.reset();
        byte[] bytes = record.bytes();
        try {
            cursor.reset(bytes, record.bodyOffset(), bytes.length);
            scan(root, cursor, ProtobufValues.MAX_DEPTH);
        } catch (MalformedProtobufException e) {
            throw new MappingException(null, "the Protobuf body is malformed (" + record.messageType().getFullName() + ", "
                    + describe + "): " + e.getMessage(), e, ErrorKind.DECODE);
        }
        for (int slot = 0; slot < states.length; slot++) {
            Capture capture = captureOfSlot[slot];
            if (capture == null) {
                states[slot] = MISSING;
                continue;
            }
            int count = counts[slot];
            FieldDescriptor field = capture.field;
            if (count == 0 && (!nodeSeen[capture.owner.index] || field.hasPresence())) {
                states[slot] = NULL; // absent with presence, or inside an absent message
                continue;
            }
            int start = scratch.size();
            try {
                if (count == 0) {
                    writeDefault(capture, slot);
                } else {
                    valueCursor.reset(bytes, 0, bytes.length);
                    capture.writer.write(valueCursor, occurrences[slot], count, scratch);
                }
            } catch (MalformedProtobufException e) {
                throw new MappingException(null, "the Protobuf body is malformed in field " + field.getFullName() + " ("
                        + describe + "): " + e.getMessage(), e, ErrorKind.DECODE);
            } catch (ValueConversionException e) {
                throw new MappingException(columns[slot], e.getMessage() + " (field " + field.getFullName() + ", " + describe + ")", e);
            }
            states[slot] = PRESENT;
            starts[slot] = start;
            ends[slot] = scratch.size();
        }
    }

    /** A field without presence that is absent: its declared default, or an empty list or map. */
    private void writeDefault(Capture capture, int slot) throws ValueConversionException, MalformedProtobufException {
        FieldDescriptor field = capture.field;
        if (field.isRepeated()) {
            capture.writer.write(valueCursor, occurrences[slot], 0, scratch);
        } else {
            capture.encoder.encode(capture.defaultValue, scratch);
        }
    }

    private void scan(Node node, WireCursor in, int depth) throws MalformedProtobufException {
        if (depth <= 0) {
            throw new MalformedProtobufException("messages nest more than " + ProtobufValues.MAX_DEPTH + " deep");
        }
        nodeSeen[node.index] = true;
        while (!in.atEnd()) {
            int tagStart = in.position();
            long tag = in.tag();
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            Capture[] captures = node.capturesOf(number);
            Node child = node.childOf(number);
            if (captures == null && child == null) {
                in.skipValue(wireType, number, depth);
                continue;
            }
            int at = in.position();
            FieldDescriptor field = captures != null ? captures[0].field : node.type.findFieldByNumber(number);
            int expected = FieldWriters.wireType(field);
            boolean packed = field.isRepeated() && wireType == WireCursor.LEN && expected != WireCursor.LEN;
            if (wireType != expected && !packed) {
                in.skipValue(wireType, number, depth); // a wire type the schema does not declare: an unknown field
                continue;
            }
            if (captures != null) {
                for (Capture capture : captures) {
                    note(capture.slot, capture.atTag ? tagStart : packed ? at | FieldWriters.PACKED_FLAG : at);
                }
            }
            if (child != null) {
                int length = in.length();
                int end = in.position() + length;
                int limit = in.limit();
                in.reset(in.array(), in.position(), end);
                scan(child, in, depth - 1);
                in.reset(in.array(), end, limit);
            } else {
                in.reset(in.array(), at, in.limit());
                in.skipValue(wireType, number, depth);
            }
        }
    }

    private void note(int slot, int position) {
        int count = counts[slot];
        int[] list = occurrences[slot];
        if (count == list.length) {
            list = Arrays.copyOf(list, count * 2);
            occurrences[slot] = list;
        }
        list[count] = position;
        counts[slot] = count + 1;
    }

    byte state(int slot) {
        return states[slot];
    }

    void copy(int slot, RowBinaryOutput out) {
        out.writeBytes(scratch.array(), starts[slot], ends[slot] - starts[slot]);
    }
}
