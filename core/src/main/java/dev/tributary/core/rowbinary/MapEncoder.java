package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.util.Map;

/** {@code Map(K, V)}: the entry count as a varint, then key and value of each entry; keys are converted to K. */
final class MapEncoder extends BaseEncoder {

    private static final int MAX_KEY_SHOWN = 40;

    private final ColumnEncoder keys;
    private final ColumnEncoder values;

    MapEncoder(ClickHouseType type, ColumnEncoder keys, ColumnEncoder values) {
        super(type, new byte[1]);
        this.keys = keys;
        this.values = values;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (!(value instanceof Map<?, ?> map)) {
            throw notAccepted(value, "a Map");
        }
        int start = out.size();
        out.writeVarUInt(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            try {
                keys.encode(entry.getKey(), out);
            } catch (ValueConversionException e) {
                out.truncate(start);
                throw e.within("[key " + showKey(entry.getKey()) + "]");
            }
            try {
                values.encode(entry.getValue(), out);
            } catch (ValueConversionException e) {
                out.truncate(start);
                throw e.within("[" + showKey(entry.getKey()) + "]");
            }
        }
    }

    private static String showKey(Object key) {
        String text = String.valueOf(key);
        if (text.length() > MAX_KEY_SHOWN) {
            text = text.substring(0, MAX_KEY_SHOWN - 1) + "…";
        }
        return key instanceof CharSequence ? '"' + text + '"' : text;
    }
}
