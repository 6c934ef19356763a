package dev.tributary.avro;

import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType.Kind;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.FixedStringType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.core.types.VariantType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.time.ZoneId;
import java.util.List;

/**
 * Compiles the reader of one Avro value into one ClickHouse type: a tree of {@link ValueReader}s
 * that mirrors the writer schema, with every decision (direct write or conversion, element order,
 * enum symbols, defaults, a union's branch → variant) taken here, once per writer schema. A pair that
 * cannot work (a union branch the column cannot take, an unsupported logical type, a record for an
 * Int32 column) is a {@link MappingRefusal} naming the field, the Avro type and the column type.
 *
 * <p>With a reader schema, record fields are matched by the reader's names and aliases, a field
 * the writer lacks takes the reader's default, and enum symbols go through the reader's enum.
 */
final class ReaderCompiler {

    private final ZoneId zone;
    private final ServerVersion server;
    private final GenericData defaults = AvroValues.model();

    ReaderCompiler(ZoneId zone, ServerVersion server) {
        this.zone = zone;
        this.server = server;
    }

    ColumnEncoder encoder(ClickHouseType type) {
        return ColumnEncoders.forType(type, zone);
    }

    /**
     * The reader of values of {@code writer} (read as {@code reader}, which may be null) into
     * {@code type}. {@code where} names the field for messages, e.g. {@code payload.items}.
     */
    ValueReader compile(Schema writer, Schema reader, ClickHouseType type, String where) throws MappingRefusal {
        ClickHouseType target = type instanceof LowCardinalityType low ? low.element() : type;
        Schema readerValue = reader == null ? null : Schemas.nonNull(reader);
        if (writer.getType() == Schema.Type.UNION) {
            int nullBranch = Schemas.nullBranch(writer);
            if (nullBranch < 0) {
                if (writer.getTypes().size() == 1) {
                    return compileBranch(writer.getTypes().get(0), AvroUnions.readerBranch(readerValue, writer.getTypes().get(0)),
                            target, where);
                }
                return union(writer, readerValue, target, where);
            }
            Schema branch = writer.getTypes().get(1 - nullBranch);
            if (target instanceof NullableType nullable) {
                return CompositeReaders.nullableUnion(nullBranch, compileNonNull(branch, readerValue, nullable.element(), where));
            }
            return CompositeReaders.zeroOnNull(nullBranch, compileNonNull(branch, readerValue, target, where), encoder(target));
        }
        return compileBranch(writer, readerValue, target, where);
    }

    /**
     * A union of several types: a reader per branch into the column (a Variant's variant, or the
     * column's own type), chosen by the branch index. A branch the column cannot take refuses the
     * whole union, naming the branch.
     */
    UnionReader union(Schema writer, Schema reader, ClickHouseType target, String where) throws MappingRefusal {
        List<Schema> branches = writer.getTypes();
        ValueReader[] readers = new ValueReader[branches.size()];
        for (int i = 0; i < readers.length; i++) {
            Schema branch = branches.get(i);
            try {
                readers[i] = compileBranch(branch, AvroUnions.readerBranch(reader, branch), target, where);
            } catch (MappingRefusal e) {
                throw new MappingRefusal(e.getMessage() + " (branch " + i + " of Avro " + Schemas.describe(writer) + ")");
            }
        }
        return new UnionReader(readers, AvroUnions.nullIndex(writer));
    }

    /**
     * A value of a schema that is no union into a Variant column: the variant of the schema's own
     * column type, else the first of its family that can take it ({@link AvroUnions#candidates});
     * its discriminator, then the value.
     */
    private ValueReader variant(Schema writer, Schema reader, VariantType variant, String where) throws MappingRefusal {
        ClickHouseType natural;
        try {
            natural = new AvroTypeMapping(server).typeOf(writer, where);
        } catch (IllegalArgumentException e) {
            throw refuse(where, writer, variant, e.getMessage());
        }
        MappingRefusal first = null;
        for (int index : AvroUnions.candidates(natural, variant)) {
            try {
                ValueReader value = compileNonNull(writer, reader, variant.types().get(index), where);
                return (in, out) -> {
                    out.writeByte(index);
                    value.read(in, out);
                };
            } catch (MappingRefusal e) {
                first = first == null ? e : first;
            }
        }
        throw refuse(where, writer, variant, "the column has no variant for it (its type: " + natural + ")"
                + (first == null ? "" : "; " + first.getMessage()) + "; add one to the column's Variant");
    }

    /**
     * A record or map into a JSON column: the value decoded as the slow path decodes it (Avro's generic
     * reader, after the walk that vets what that reader will read) and written by the column's encoder
     * as a JSON object: a record's null fields left out, logical types as their text.
     */
    private ValueReader json(Schema writer, Schema reader, ColumnEncoder encoder) {
        Skipper walk = Skipper.walkingAsAvroReads(writer);
        GenericDatumReader<Object> datumReader = new GenericDatumReader<>(writer, reader == null ? writer : reader, defaults);
        return (in, out) -> {
            int start = in.position();
            walk.skip(in);
            Object value;
            try {
                value = AvroValues.plain(datumReader.read(null,
                        DecoderFactory.get().binaryDecoder(in.array(), start, in.position() - start, null)));
            } catch (IOException | RuntimeException e) {
                throw in.malformed("the value does not decode (" + e.getMessage() + ")");
            }
            encoder.encode(value, out);
        };
    }

    private ValueReader compileBranch(Schema writer, Schema reader, ClickHouseType target, String where) throws MappingRefusal {
        if (writer.getType() == Schema.Type.NULL) {
            ColumnEncoder zero = encoder(target);
            return target instanceof NullableType ? (in, out) -> out.writeByte(1) : (in, out) -> zero.encodeZero(out);
        }
        if (target instanceof NullableType nullable) {
            return CompositeReaders.notNull(compileNonNull(writer, reader, nullable.element(), where));
        }
        return compileNonNull(writer, reader, target, where);
    }

    private ValueReader compileNonNull(Schema writer, Schema readerSchema, ClickHouseType type, String where) throws MappingRefusal {
        Schema reader = readerSchema;
        ClickHouseType target = type instanceof LowCardinalityType low ? low.element() : type;
        if (writer.getType() == Schema.Type.UNION) {
            throw refuse(where, writer, type, "a union inside a union is not supported");
        }
        String unsupported = Schemas.unsupportedLogicalType(writer);
        if (unsupported != null) {
            throw refuse(where, writer, type, unsupported);
        }
        if (reader != null && reader.getType() != writer.getType()) {
            reader = null; // a promotion (int to long, string to bytes, ...): the writer's value is what is read
        }
        if (target instanceof NestedType nested) {
            target = nested.asArrayOfTuples();
        }
        if (target instanceof VariantType variant) {
            return variant(writer, reader, variant, where);
        }
        if (target.kind() == Kind.JSON && (writer.getType() == Schema.Type.RECORD || writer.getType() == Schema.Type.MAP)) {
            return json(writer, reader, encoder(type));
        }
        return switch (writer.getType()) {
            case RECORD -> record(writer, reader, target, where);
            case ARRAY -> {
                if (!(target instanceof ArrayType array)) {
                    throw refuse(where, writer, type, "an Avro array maps to an Array column");
                }
                Schema items = writer.getElementType();
                ValueReader item = compile(items, reader == null ? null : reader.getElementType(), array.element(), where + "[]");
                yield CompositeReaders.array(item, Schemas.mayBeEmpty(items));
            }
            case MAP -> {
                if (!(target instanceof MapType map)) {
                    throw refuse(where, writer, type, "an Avro map maps to a Map(String, T) column");
                }
                ClickHouseType key = map.key() instanceof LowCardinalityType low ? low.element() : map.key();
                if (!JavaValue.TEXT.acceptedBy(key.kind())) {
                    throw refuse(where, writer, type, "Avro map keys are strings, which " + map.key() + " keys cannot take");
                }
                ValueReader value = compile(writer.getValueType(), reader == null ? null : reader.getValueType(), map.value(),
                        where + "[]");
                yield CompositeReaders.map(CompositeReaders.mapKey(key == SimpleType.STRING ? null : encoder(map.key())), value);
            }
            case ENUM -> enumSymbols(writer, reader, type, where);
            default -> scalar(writer, type, target, where);
        };
    }

    private ValueReader record(Schema writer, Schema reader, ClickHouseType target, String where) throws MappingRefusal {
        if (!(target instanceof TupleType tuple)) {
            throw refuse(where, writer, target, "an Avro record maps to a Tuple column (named elements match fields by name)");
        }
        Schema view = reader == null ? writer : reader;
        List<Schema.Field> viewFields = view.getFields();
        boolean named = tuple.isNamed();
        if (!named && viewFields.size() != tuple.types().size()) {
            throw refuse(where, writer, target, "an unnamed Tuple takes the record's fields by position, but the record has "
                    + viewFields.size() + " fields and the Tuple " + tuple.types().size() + " elements");
        }
        TupleReader.Element[] elements = new TupleReader.Element[tuple.types().size()];
        for (int i = 0; i < elements.length; i++) {
            ClickHouseType elementType = tuple.types().get(i);
            String name = named ? tuple.names().get(i) : null;
            Schema.Field viewField = named ? view.getField(name) : viewFields.get(i);
            String segment = named ? "." + name : "." + (i + 1);
            String elementWhere = where + "." + (viewField == null ? name : viewField.name());
            Schema.Field writerField = viewField == null ? null : reader == null ? viewField : writerField(writer, viewField);
            if (writerField != null) {
                ValueReader elementReader = compile(writerField.schema(), reader == null ? null : viewField.schema(), elementType,
                        elementWhere);
                elements[i] = new TupleReader.Element(segment, writerField.pos(), elementReader, null);
            } else {
                elements[i] = new TupleReader.Element(segment, -1, null, constant(viewField, elementType, elementWhere));
            }
        }
        return new TupleReader(elements, skippers(writer));
    }

    /**
     * The reader of a path into the elements of an array of records (column {@code items.k} of
     * type {@code Array(T)} from {@code items: array<record{k, ...}>}): for each element, the field
     * at {@code path} (by name, or by position from 1 as in 18.16's {@code items.1}), nothing else.
     */
    ValueReader projection(Schema array, Schema readerArray, List<String> path, ClickHouseType type, String where)
            throws MappingRefusal {
        ArrayType arrayType = (ArrayType) type;
        Schema items = array.getElementType();
        Schema readerItems = readerArray == null || readerArray.getType() != Schema.Type.ARRAY ? null : readerArray.getElementType();
        int nullBranch = Schemas.nullBranch(items);
        ValueReader element = project(Schemas.nonNull(items), readerItems == null ? null : Schemas.nonNull(readerItems), path,
                arrayType.element(), where);
        if (nullBranch >= 0) {
            element = CompositeReaders.zeroOnNull(nullBranch, element, encoder(arrayType.element()));
        }
        return CompositeReaders.array(element, false);
    }

    private ValueReader project(Schema record, Schema readerRecord, List<String> path, ClickHouseType type, String where)
            throws MappingRefusal {
        if (record.getType() != Schema.Type.RECORD) {
            throw refuse(where, record, type, "a path into array elements needs records as elements");
        }
        Schema view = readerRecord == null ? record : readerRecord;
        Schema.Field viewField = fieldByNameOrPosition(view, path.get(0));
        Schema.Field writerField = viewField == null ? null : readerRecord == null ? viewField : writerField(record, viewField);
        TupleReader.Element element;
        if (writerField == null) {
            element = new TupleReader.Element("." + path.get(0), -1, null,
                    path.size() == 1 ? constant(viewField, type, where) : constant(null, type, where));
        } else if (path.size() == 1) {
            element = new TupleReader.Element("." + path.get(0), writerField.pos(),
                    compile(writerField.schema(), readerRecord == null ? null : viewField.schema(), type, where), null);
        } else {
            Schema inner = writerField.schema();
            int nullBranch = Schemas.nullBranch(inner);
            ValueReader nested = project(Schemas.nonNull(inner), readerRecord == null ? null : Schemas.nonNull(viewField.schema()),
                    path.subList(1, path.size()), type, where);
            if (nullBranch >= 0) {
                nested = CompositeReaders.zeroOnNull(nullBranch, nested, encoder(type));
            }
            element = new TupleReader.Element("." + path.get(0), writerField.pos(), nested, null);
        }
        return new TupleReader(new TupleReader.Element[] {element}, skippers(record));
    }

    private static Schema.Field fieldByNameOrPosition(Schema record, String segment) {
        Schema.Field field = record.getField(segment);
        if (field == null && segment.matches("[1-9][0-9]{0,5}")) {
            int position = Integer.parseInt(segment) - 1;
            field = position < record.getFields().size() ? record.getFields().get(position) : null;
        }
        return field;
    }

    private static Skipper[] skippers(Schema record) {
        List<Schema.Field> fields = record.getFields();
        Skipper[] skippers = new Skipper[fields.size()];
        for (int f = 0; f < skippers.length; f++) {
            skippers[f] = Skipper.of(fields.get(f).schema());
        }
        return skippers;
    }

    /** The writer's field for a reader field: same name, else one of the reader field's aliases. */
    static Schema.Field writerField(Schema writer, Schema.Field readerField) {
        Schema.Field field = writer.getField(readerField.name());
        if (field != null) {
            return field;
        }
        for (String alias : readerField.aliases()) {
            field = writer.getField(alias);
            if (field != null) {
                return field;
            }
        }
        return null;
    }

    /**
     * The bytes of a value the writer does not have: the reader field's default when there is one
     * (and the type takes it), else the type's zero value.
     */
    byte[] constant(Schema.Field readerField, ClickHouseType type, String where) throws MappingRefusal {
        ColumnEncoder encoder = encoder(type);
        RowBinaryOutput bytes = new RowBinaryOutput(16);
        if (readerField != null && readerField.hasDefaultValue()) {
            Object value = AvroValues.plain(defaults.getDefaultValue(readerField));
            if (value != null || type.isNullable()) {
                try {
                    encoder.encode(value, bytes);
                    return bytes.toByteArray();
                } catch (ValueConversionException e) {
                    throw new MappingRefusal("field " + where + ": the reader schema's default does not fit " + type
                            + ": " + e.getMessage());
                }
            }
        }
        encoder.encodeZero(bytes);
        return bytes.toByteArray();
    }

    private ValueReader enumSymbols(Schema writer, Schema reader, ClickHouseType type, String where) throws MappingRefusal {
        ColumnEncoder encoder = encoder(type);
        List<String> symbols = writer.getEnumSymbols();
        byte[][] encoded = new byte[symbols.size()][];
        ValueConversionException[] failures = new ValueConversionException[symbols.size()];
        int fitting = 0;
        for (int i = 0; i < symbols.size(); i++) {
            String symbol = symbols.get(i);
            if (reader != null && reader.getType() == Schema.Type.ENUM && !reader.hasEnumSymbol(symbol)) {
                symbol = reader.getEnumDefault(); // Avro's rule: the reader's default, if it has one
            }
            RowBinaryOutput bytes = new RowBinaryOutput(16);
            try {
                if (symbol == null) {
                    throw new ValueConversionException(symbols.get(i), type, "is not a symbol of the reader schema's enum",
                            "which has no default");
                }
                encoder.encode(symbol, bytes);
                encoded[i] = bytes.toByteArray();
                fitting++;
            } catch (ValueConversionException e) {
                failures[i] = e;
            }
        }
        if (fitting == 0) {
            throw refuse(where, writer, type, "no symbol of the enum fits (" + failures[0].getMessage() + ")");
        }
        return CompositeReaders.enumSymbols(encoded, failures);
    }

    private ValueReader scalar(Schema writer, ClickHouseType type, ClickHouseType target, String where) throws MappingRefusal {
        Kind kind = target.kind();
        ColumnEncoder encoder = encoder(type);
        String logical = Schemas.logicalName(writer);
        boolean integerColumn = target instanceof SimpleType simple && simple.isInteger();
        boolean directInteger = integerColumn && ((SimpleType) target).bits() <= 64;
        switch (writer.getType()) {
            case BOOLEAN:
                if (kind == Kind.BOOL || kind == Kind.UINT8 || kind == Kind.INT8) {
                    return ScalarReaders.BOOLEAN_TO_BYTE;
                }
                return converting(ScalarReaders.BOOLEAN, JavaValue.BOOLEAN, encoder, writer, type, where);
            case INT:
                if ("date".equals(logical)) {
                    if (kind == Kind.DATE || kind == Kind.DATE32) {
                        return ScalarReaders.date(kind == Kind.DATE32, encoder);
                    }
                    if (kind == Kind.STRING) {
                        return ScalarReaders.converting(ScalarReaders.DATE_TEXT, encoder);
                    }
                    if (!integerColumn) {
                        return converting(ScalarReaders.DATE, JavaValue.DATE, encoder, writer, type, where);
                    }
                }
                return directInteger ? ScalarReaders.integer(true, (SimpleType) target, encoder)
                        : converting(ScalarReaders.INT, JavaValue.INTEGER, encoder, writer, type, where);
            case LONG:
                int precision = timestampPrecision(logical);
                if (precision > 0 && !integerColumn) {
                    if (kind == Kind.DATETIME64) {
                        return ScalarReaders.timestamp(precision, ((DateTime64Type) target).precision(), encoder);
                    }
                    if (kind == Kind.DATETIME) {
                        return ScalarReaders.timestamp(precision, -1, encoder);
                    }
                    if (kind == Kind.STRING) {
                        return ScalarReaders.converting(ScalarReaders.instantText(precision), encoder);
                    }
                    return converting(ScalarReaders.instant(precision), JavaValue.INSTANT, encoder, writer, type, where);
                }
                return directInteger ? ScalarReaders.integer(false, (SimpleType) target, encoder)
                        : converting(ScalarReaders.LONG, JavaValue.INTEGER, encoder, writer, type, where);
            case FLOAT:
                if (kind == Kind.FLOAT32) {
                    return ScalarReaders.FLOAT_TO_FLOAT32;
                }
                if (kind == Kind.FLOAT64) {
                    return ScalarReaders.FLOAT_TO_FLOAT64;
                }
                return converting(ScalarReaders.FLOAT, JavaValue.FLOATING, encoder, writer, type, where);
            case DOUBLE:
                if (kind == Kind.FLOAT64) {
                    return ScalarReaders.DOUBLE_TO_FLOAT64;
                }
                return converting(ScalarReaders.DOUBLE, JavaValue.FLOATING, encoder, writer, type, where);
            case STRING:
                if (kind == Kind.STRING) {
                    return ScalarReaders.BYTES_TO_STRING;
                }
                return converting(ScalarReaders.STRING, JavaValue.TEXT, encoder, writer, type, where);
            case BYTES:
                if ("decimal".equals(logical)) {
                    return decimal(-1, writer, target, encoder, type, where);
                }
                if ("big-decimal".equals(logical)) {
                    return converting(ScalarReaders.bigDecimal(writer), JavaValue.DECIMAL, encoder, writer, type, where);
                }
                if (kind == Kind.STRING) {
                    return ScalarReaders.BYTES_TO_STRING;
                }
                return converting(ScalarReaders.BYTES, JavaValue.BYTES, encoder, writer, type, where);
            case FIXED:
                int size = writer.getFixedSize();
                if ("decimal".equals(logical)) {
                    return decimal(size, writer, target, encoder, type, where);
                }
                if ("uuid".equals(logical) && size == 16) {
                    if (kind == Kind.UUID) {
                        return ScalarReaders.FIXED_TO_UUID;
                    }
                    if (kind == Kind.STRING) {
                        return ScalarReaders.converting(ScalarReaders.UUID_FROM_FIXED, encoder);
                    }
                }
                if (kind == Kind.STRING) {
                    return ScalarReaders.fixedToString(size);
                }
                if (kind == Kind.FIXED_STRING) {
                    int length = ((FixedStringType) target).length();
                    if (size > length) {
                        throw refuse(where, writer, type, "fixed(" + size + ") is longer than " + target);
                    }
                    return ScalarReaders.fixedToFixedString(size, length);
                }
                return converting(ScalarReaders.fixed(size), JavaValue.BYTES, encoder, writer, type, where);
            default:
                throw refuse(where, writer, type, "no mapping for this Avro type");
        }
    }

    private static int scale(Schema schema) {
        return ((org.apache.avro.LogicalTypes.Decimal) schema.getLogicalType()).getScale();
    }

    /** A decimal: written directly into a Decimal column of the same scale, else converted by the encoder. */
    private static ValueReader decimal(int size, Schema writer, ClickHouseType target, ColumnEncoder encoder, ClickHouseType type,
                                       String where) throws MappingRefusal {
        if (target instanceof DecimalType decimal && decimal.scale() == scale(writer)) {
            return ScalarReaders.decimal(size, decimal.scale(), decimal.precision(), decimal.storageBits() / 8, encoder);
        }
        return converting(ScalarReaders.decimal(size, scale(writer)), JavaValue.DECIMAL, encoder, writer, type, where);
    }

    /** 3, 6 or 9 for timestamp-millis, -micros, -nanos; 0 otherwise. */
    private static int timestampPrecision(String logical) {
        if (logical == null) {
            return 0;
        }
        return switch (logical) {
            case "timestamp-millis" -> 3;
            case "timestamp-micros" -> 6;
            case "timestamp-nanos" -> 9;
            default -> 0;
        };
    }

    private static ValueReader converting(ScalarReaders.Source source, JavaValue value, ColumnEncoder encoder, Schema writer,
                                          ClickHouseType type, String where) throws MappingRefusal {
        ClickHouseType target = type instanceof LowCardinalityType low ? low.element() : type;
        if (target instanceof NullableType nullable) {
            target = nullable.element();
        }
        if (!value.acceptedBy(target.kind())) {
            throw refuse(where, writer, type, value.description() + " cannot go into " + type);
        }
        return ScalarReaders.converting(source, encoder);
    }

    static MappingRefusal refuse(String where, Schema writer, ClickHouseType type, String reason) {
        return new MappingRefusal("field " + where + " (Avro " + Schemas.describe(writer) + ") cannot be written to "
                + type + ": " + reason);
    }
}
