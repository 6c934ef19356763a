package dev.tributary.avro;

import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ValueConversionException;

/**
 * An Avro record into a {@code Tuple}: each element from the record field of its name (or, for an
 * unnamed tuple, position), from the reader schema's default when the writer has no such field,
 * else its zero value; fields no element needs are skipped.
 *
 * <p>When the fields come in the order of the elements (the usual case: the table was made from
 * the schema) the elements are written as they are read. Otherwise each field is read into a
 * scratch buffer and the elements are copied out in tuple order. Not thread-safe (the scratch);
 * a plan is used by one pipeline thread.
 */
final class TupleReader implements ValueReader {

    /** What one element is made of. */
    record Element(String segment, int field, ValueReader reader, byte[] constant) {
    }

    private final Element[] elements;
    private final Skipper[] fieldSkippers;
    private final boolean inOrder;
    /** Per writer field, the elements it feeds (empty when none). */
    private final int[][] elementsOfField;
    private final RowBinaryOutput scratch;
    private final int[] starts;
    private final int[] ends;

    TupleReader(Element[] elements, Skipper[] fieldSkippers) {
        this.elements = elements.clone();
        this.fieldSkippers = fieldSkippers.clone();
        int[] counts = new int[fieldSkippers.length];
        boolean ordered = true;
        int last = -1;
        for (Element element : elements) {
            if (element.field() >= 0) {
                counts[element.field()]++;
                ordered &= element.field() > last;
                last = Math.max(last, element.field());
            }
        }
        this.inOrder = ordered;
        this.elementsOfField = new int[fieldSkippers.length][];
        for (int f = 0; f < counts.length; f++) {
            elementsOfField[f] = new int[counts[f]];
            counts[f] = 0;
        }
        for (int e = 0; e < elements.length; e++) {
            int field = elements[e].field();
            if (field >= 0) {
                elementsOfField[field][counts[field]++] = e;
            }
        }
        this.scratch = ordered ? null : new RowBinaryOutput(256);
        this.starts = new int[elements.length];
        this.ends = new int[elements.length];
    }

    @Override
    public void read(AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        if (inOrder) {
            readInOrder(in, out);
        } else {
            readReordered(in, out);
        }
    }

    private void readInOrder(AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        int next = 0;
        for (Element element : elements) {
            if (element.field() < 0) {
                out.writeBytes(element.constant());
                continue;
            }
            while (next < element.field()) {
                fieldSkippers[next++].skip(in);
            }
            read(element, in, out);
            next = element.field() + 1;
        }
        while (next < fieldSkippers.length) {
            fieldSkippers[next++].skip(in);
        }
    }

    private void readReordered(AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        scratch.reset();
        for (int f = 0; f < fieldSkippers.length; f++) {
            int[] fed = elementsOfField[f];
            if (fed.length == 0) {
                fieldSkippers[f].skip(in);
                continue;
            }
            int at = in.position();
            for (int k = 0; k < fed.length; k++) {
                if (k > 0) {
                    in.position(at); // a second element from the same field reads it again
                }
                int e = fed[k];
                starts[e] = scratch.size();
                read(elements[e], in, scratch);
                ends[e] = scratch.size();
            }
        }
        for (int e = 0; e < elements.length; e++) {
            if (elements[e].field() < 0) {
                out.writeBytes(elements[e].constant());
            } else {
                out.writeBytes(scratch.array(), starts[e], ends[e] - starts[e]);
            }
        }
    }

    private static void read(Element element, AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        try {
            element.reader().read(in, out);
        } catch (ValueConversionException e) {
            throw e.within(element.segment());
        }
    }
}
