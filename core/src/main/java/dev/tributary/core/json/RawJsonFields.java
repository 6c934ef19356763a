package dev.tributary.core.json;

import dev.tributary.core.FieldPath;

import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Set;

/**
 * The fields a mapping plan reads ({@link dev.tributary.core.MappingPlan#fieldsRead}), from a plan
 * that also reads {@link RawJsonRecord}s straight from their bytes. Given to
 * {@link JsonDecoder#onlyFields}, it lets the decoder leave records undecoded; any other set makes
 * it decode them as before. Immutable.
 */
public final class RawJsonFields extends AbstractSet<FieldPath> {

    private final Set<FieldPath> fields;

    public RawJsonFields(Set<FieldPath> fields) {
        this.fields = Set.copyOf(fields);
    }

    @Override
    public Iterator<FieldPath> iterator() {
        return fields.iterator();
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public boolean contains(Object o) {
        return fields.contains(o);
    }
}
