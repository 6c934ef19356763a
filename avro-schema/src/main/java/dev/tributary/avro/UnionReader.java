package dev.tributary.avro;

import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ValueConversionException;

/**
 * A union of several types (or of one, or null and several) into one column: the branch index,
 * then that branch's compiled reader — into a Variant, each branch writes its variant's
 * discriminator and value; into any other column, its value converted to the column's type. The
 * null branch writes the column's NULL (or zero); a top-level field's null is noted as null by
 * {@link RowReader} instead, so that the column's DEFAULT applies as for {@code [null, T]}.
 */
final class UnionReader implements ValueReader {

    private final ValueReader[] branches;
    private final int nullBranch;

    UnionReader(ValueReader[] branches, int nullBranch) {
        this.branches = branches.clone();
        this.nullBranch = nullBranch;
    }

    /** The index of the null branch, or -1. */
    int nullBranch() {
        return nullBranch;
    }

    /** Reads the branch index. */
    int readIndex(AvroInput in) {
        return in.readIndex(branches.length, "a union branch");
    }

    /** Reads the value of branch {@code index}, whose index has been read. */
    void readBranch(int index, AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        branches[index].read(in, out);
    }

    @Override
    public void read(AvroInput in, RowBinaryOutput out) throws ValueConversionException {
        branches[readIndex(in)].read(in, out);
    }
}
