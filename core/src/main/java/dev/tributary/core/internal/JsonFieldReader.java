package dev.tributary.core.internal;

import dev.tributary.core.FieldPath;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a {@link RawJsonRecord}'s bytes once, strictly (RFC 8259, well-formed UTF-8), and notes where the value of
 * each wanted field path is (a "slot"): its kind, and its first and past-the-end byte. Nothing is
 * built: fields no path names are skipped, still checked. Then it helps turn a value's bytes into
 * RowBinary (numbers, strings with their escapes decoded, array elements).
 *
 * <p>It refuses whatever {@link JsonDecoder} refuses, and some things the decoder would take
 * (a key with an escape where keys are compared, nesting at the decoder's limit, numbers beyond
 * 500 characters, more than 256 keys in an object whose keys are checked): {@link #read} then
 * returns false and the caller decodes the record the decoder's way, which decides and words the
 * error. As the decoder does, it looks for duplicate keys only among the top-level fields the
 * decoder keeps and everywhere inside their values.
 *
 * <p>Compiled once per set of paths; not thread-safe (one per plan and thread).
 */
public final class JsonFieldReader {

    /** Kinds of values; {@link #MISSING} for a path that is not in the record. */
    public static final byte MISSING = 0;
    public static final byte NULL = 1;
    public static final byte FALSE = 2;
    public static final byte TRUE = 3;
    /** A string without escapes: its content is the bytes between the quotes. */
    public static final byte STRING = 4;
    /** A string with escapes: see {@link #unescape}. */
    public static final byte ESCAPED_STRING = 5;
    /** An integer of at most 18 digits: {@link #number} holds it. */
    public static final byte INTEGER = 6;
    /** An integer of more digits. */
    public static final byte BIG_INTEGER = 7;
    /** A number with a fraction or an exponent. */
    public static final byte FLOAT = 8;
    public static final byte OBJECT = 9;
    public static final byte ARRAY = 10;

    /** The decoder refuses numbers beyond 1000 characters; these are far from that. */
    private static final int MAX_NUMBER_LENGTH = 500;
    /** Beyond this many keys in an object whose keys are checked for duplicates, the decoder decides. */
    private static final int MAX_CHECKED_KEYS = 256;
    private static final int MAX_SIGNIFICANT_DIGITS = 18;
    /** Longer exponents may not fit the int scale of the BigDecimal the decoder builds; it decides. */
    private static final int MAX_EXPONENT_DIGITS = 9;
    private static final byte[] TRUE_BYTES = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE_BYTES = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL_BYTES = {'n', 'u', 'l', 'l'};

    /** One object level of the wanted paths. */
    private static final class Node {
        final byte[][] keys;
        final int[][] slots;
        final Node[] children;
        final int[] table;
        final int[] seen;
        final boolean[] plain;
        final int[] predicted = new int[64];

        Node(byte[][] keys, int[][] slots, Node[] children) {
            this.keys = keys;
            this.slots = slots;
            this.children = children;
            this.seen = new int[keys.length];
            this.plain = new boolean[keys.length];
            for (int k = 0; k < keys.length; k++) {
                plain[k] = true;
                for (byte c : keys[k]) {
                    plain[k] &= c != '"' && c != '\\' && (c < 0 || c >= 0x20);
                }
            }
            this.table = new int[Integer.highestOneBit(Math.max(keys.length, 1) * 4)];
            int mask = table.length - 1;
            for (int k = 0; k < keys.length; k++) {
                int i = hash(keys[k], 0, keys[k].length) & mask;
                while (table[i] != 0) {
                    i = (i + 1) & mask;
                }
                table[i] = k + 1;
            }
        }

        /**
         * The key that was at place {@code ordinal} of this object in the last record, if the bytes
         * at {@code from} are that key and its closing quote (producers write keys in one order:
         * most keys are then matched without being scanned or hashed); else -1.
         */
        int predict(byte[] bytes, int from, int limit, int ordinal) {
            if (ordinal >= predicted.length) {
                return -1;
            }
            int k = predicted[ordinal] - 1;
            if (k < 0) {
                return -1;
            }
            byte[] key = keys[k];
            int length = key.length;
            if (from + length >= limit || bytes[from + length] != '"') {
                return -1;
            }
            int i = 0;
            for (; i + 8 <= length; i += 8) {
                if ((long) Utf8.WORDS.get(key, i) != (long) Utf8.WORDS.get(bytes, from + i)) {
                    return -1;
                }
            }
            for (; i < length; i++) {
                if (key[i] != bytes[from + i]) {
                    return -1;
                }
            }
            return k;
        }

        /** Notes that key {@code k} (or none, -1) was at place {@code ordinal}; only keys without quote, backslash or control bytes. */
        void remember(int ordinal, int k) {
            if (ordinal < predicted.length) {
                predicted[ordinal] = k >= 0 && plain[k] ? k + 1 : 0;
            }
        }

        /** The index of the key {@code bytes[from, from + length)} with hash {@code hash}, or -1. */
        int find(byte[] bytes, int from, int length, int hash) {
            int mask = table.length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask) {
                int k = table[i] - 1;
                if (k < 0) {
                    return -1;
                }
                if (keys[k].length == length && Arrays.equals(keys[k], 0, length, bytes, from, from + length)) {
                    return k;
                }
            }
        }
    }

    private final Node root;
    private final byte[] kinds;
    /** The read that set each slot: a slot of an earlier read is MISSING (no clearing per record). */
    private final int[] slotReads;
    private final int[] starts;
    private final int[] ends;
    private final long[] numbers;

    private byte[] b;
    private int n;
    private int pos;
    private int maxDepth;
    private int stamp;
    private byte lastKind;
    private long lastNumber;
    private int lastHash;
    private int[] keyStarts = new int[64];
    private int[] keyLengths = new int[64];
    private int[] keyHashes = new int[64];
    private int keyTop;
    private long mantissa;
    private int exponent;
    private byte[] scratch = new byte[256];
    private final AsciiView view = new AsciiView();

    /**
     * @param paths the wanted paths: slot i is {@code paths.get(i)}
     * @param alsoKept further top-level fields whose values are checked as the decoder checks them
     *                 (duplicate keys) although no slot wants them
     * @throws IllegalArgumentException for a path segment that has no UTF-8 form (a lone surrogate)
     */
    public JsonFieldReader(List<FieldPath> paths, Set<String> alsoKept) {
        Building top = new Building();
        for (int slot = 0; slot < paths.size(); slot++) {
            Building node = top;
            FieldPath path = paths.get(slot);
            for (int i = 0; i < path.size(); i++) {
                node = node.children.computeIfAbsent(path.segment(i), name -> new Building());
            }
            node.slots.add(slot);
        }
        for (String name : alsoKept) {
            top.children.computeIfAbsent(name, ignored -> new Building());
        }
        this.root = top.freeze();
        this.kinds = new byte[paths.size()];
        this.slotReads = new int[paths.size()];
        this.starts = new int[paths.size()];
        this.ends = new int[paths.size()];
        this.numbers = new long[paths.size()];
    }

    private static final class Building {
        final Map<String, Building> children = new LinkedHashMap<>();
        final List<Integer> slots = new ArrayList<>();

        Node freeze() {
            int size = children.size();
            byte[][] keys = new byte[size][];
            int[][] slots = new int[size][];
            Node[] nodes = new Node[size];
            int k = 0;
            for (Map.Entry<String, Building> child : children.entrySet()) {
                byte[] utf8 = child.getKey().getBytes(StandardCharsets.UTF_8);
                if (!new String(utf8, StandardCharsets.UTF_8).equals(child.getKey())) {
                    throw new IllegalArgumentException("field name without a UTF-8 form: " + child.getKey());
                }
                keys[k] = utf8;
                slots[k] = child.getValue().slots.stream().mapToInt(Integer::intValue).toArray();
                nodes[k] = child.getValue().children.isEmpty() ? null : child.getValue().freeze();
                k++;
            }
            return new Node(keys, slots, nodes);
        }
    }

    /**
     * Reads {@code bytes} as one JSON object of well-formed UTF-8, noting each slot's value.
     *
     * @param maxNestingDepth the decoder's limit of nested objects and arrays
     * @return false when the record is not for this reader to judge (malformed, or a case it leaves
     *         to the decoder); the slots are then meaningless
     */
    public boolean read(byte[] bytes, int maxNestingDepth) {
        b = bytes;
        n = bytes.length;
        pos = 0;
        maxDepth = maxNestingDepth;
        keyTop = 0;
        if (++stamp == 0) {
            clearSeen(root);
            Arrays.fill(slotReads, 0);
            stamp = 1;
        }
        skipWhitespace();
        if (pos >= n || b[pos] != '{' || !readObject(root, 1, false)) {
            return false;
        }
        skipWhitespace();
        return pos == n;
    }

    private static void clearSeen(Node node) {
        Arrays.fill(node.seen, 0);
        for (Node child : node.children) {
            if (child != null) {
                clearSeen(child);
            }
        }
    }

    /** The kind of slot {@code slot}'s value after {@link #read}. */
    public byte kind(int slot) {
        return slotReads[slot] == stamp ? kinds[slot] : MISSING;
    }

    /** The first byte of the slot's value. */
    public int start(int slot) {
        return starts[slot];
    }

    /** Past the last byte of the slot's value. */
    public int end(int slot) {
        return ends[slot];
    }

    /** The value of an {@link #INTEGER} slot. */
    public long number(int slot) {
        return numbers[slot];
    }

    /** The bytes read last. */
    public byte[] bytes() {
        return b;
    }

    /**
     * An object from {@code b[pos] == '{'}: with {@code node}, the slots of its keys are filled;
     * with {@code checked}, its keys and those of every object inside are checked for duplicates.
     */
    private boolean readObject(Node node, int depth, boolean checked) {
        if (depth >= maxDepth) {
            return false;
        }
        pos++;
        int base = keyTop;
        if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
        if (pos < n && b[pos] == '}') {
            pos++;
            return true;
        }
        for (int ordinal = 0; ; ordinal++) {
            if (pos >= n || b[pos] != '"') {
                return false;
            }
            int keyStart = pos + 1;
            int k = checked || node == null ? -1 : node.predict(b, keyStart, n, ordinal);
            int keyLength;
            if (k >= 0) {
                keyLength = node.keys[k].length; // the same key as at this place in the last record
                pos = keyStart + keyLength + 1;
            } else {
                if (!scanString()) {
                    return false;
                }
                keyLength = pos - 1 - keyStart;
                boolean compared = node != null || checked;
                if (compared && lastKind == ESCAPED_STRING) {
                    return false; // "a\u0062" is "ab": the decoder compares such keys
                }
                k = node == null ? -1 : node.find(b, keyStart, keyLength, lastHash);
                if (node != null && !checked) {
                    node.remember(ordinal, k);
                }
            }
            if (checked) {
                if (isDuplicate(base, keyStart, keyLength, lastHash)) {
                    return false;
                }
            } else if (k >= 0) {
                if (node.seen[k] == stamp) {
                    return false; // a duplicate of a kept field
                }
                node.seen[k] = stamp;
            }
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
            if (pos >= n || b[pos] != ':') {
                return false;
            }
            pos++;
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
            if (pos >= n) {
                return false;
            }
            if (k >= 0) {
                int start = pos;
                Node child = node.children[k];
                boolean ok;
                byte kind;
                if (child != null && b[pos] == '{') {
                    ok = readObject(child, depth + 1, true);
                    kind = OBJECT;
                } else {
                    ok = scanValue(depth, true);
                    kind = lastKind;
                }
                if (!ok) {
                    return false;
                }
                for (int slot : node.slots[k]) {
                    slotReads[slot] = stamp;
                    kinds[slot] = kind;
                    starts[slot] = start;
                    ends[slot] = pos;
                    numbers[slot] = lastNumber;
                }
            } else if (!scanValue(depth, checked)) {
                return false;
            }
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
            if (pos >= n) {
                return false;
            }
            byte c = b[pos++];
            if (c == '}') {
                keyTop = base;
                return true;
            }
            if (c != ',') {
                return false;
            }
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
        }
    }

    private boolean isDuplicate(int base, int keyStart, int keyLength, int hash) {
        for (int i = base; i < keyTop; i++) {
            if (keyHashes[i] == hash && keyLengths[i] == keyLength
                    && Arrays.equals(b, keyStarts[i], keyStarts[i] + keyLength, b, keyStart, keyStart + keyLength)) {
                return true;
            }
        }
        if (keyTop - base >= MAX_CHECKED_KEYS) {
            return true; // not a duplicate, perhaps, but the decoder decides
        }
        if (keyTop == keyStarts.length) {
            keyStarts = Arrays.copyOf(keyStarts, keyTop * 2);
            keyLengths = Arrays.copyOf(keyLengths, keyTop * 2);
            keyHashes = Arrays.copyOf(keyHashes, keyTop * 2);
        }
        keyStarts[keyTop] = keyStart;
        keyLengths[keyTop] = keyLength;
        keyHashes[keyTop] = hash;
        keyTop++;
        return false;
    }

    /** The value at {@code pos} (not whitespace): sets {@link #lastKind}, leaves {@code pos} after it. */
    private boolean scanValue(int depth, boolean checked) {
        switch (b[pos]) {
            case '"':
                return scanStringValue();
            case '{': {
                boolean ok = readObject(null, depth + 1, checked);
                lastKind = OBJECT;
                return ok;
            }
            case '[': {
                boolean ok = scanArray(depth + 1, checked);
                lastKind = ARRAY;
                return ok;
            }
            case 't':
                lastKind = TRUE;
                return literal(TRUE_BYTES);
            case 'f':
                lastKind = FALSE;
                return literal(FALSE_BYTES);
            case 'n':
                lastKind = NULL;
                return literal(NULL_BYTES);
            default:
                return scanNumber(checked);
        }
    }

    private boolean literal(byte[] word) {
        if (pos + word.length > n || !Arrays.equals(b, pos, pos + word.length, word, 0, word.length)) {
            return false;
        }
        pos += word.length;
        return delimited();
    }

    /** Whether the byte at {@code pos} may follow a number or a literal. */
    private boolean delimited() {
        if (pos == n) {
            return true;
        }
        byte c = b[pos];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private boolean scanArray(int depth, boolean checked) {
        if (depth >= maxDepth) {
            return false;
        }
        pos++;
        if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
        if (pos < n && b[pos] == ']') {
            pos++;
            return true;
        }
        while (true) {
            if (pos >= n || !scanValue(depth, checked)) {
                return false;
            }
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
            if (pos >= n) {
                return false;
            }
            byte c = b[pos++];
            if (c == ']') {
                return true;
            }
            if (c != ',') {
                return false;
            }
            if (pos < n && b[pos] <= ' ') { // compact JSON has none: no call
            skipWhitespace();
        }
        }
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5CL | 0x5CL << 56;
    private static final long SPACES = 0x2020202020202020L;

    /**
     * A string value from {@code b[pos] == '"'}: eight bytes at a time while none is a quote, a
     * backslash or a control character, then as {@link #scanString}.
     */
    private boolean scanStringValue() {
        int i = pos + 1;
        boolean escaped = false;
        while (i + 8 <= n) {
            long w = (long) Utf8.WORDS.get(b, i);
            long quote = w ^ QUOTES;
            long backslash = w ^ BACKSLASHES;
            // a byte is flagged when it is zero after the xor, below 0x20, or not ASCII; the lowest
            // flag is always a true one (false flags only sit above a true one)
            long special = ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (w - SPACES) & ~w | w) & HIGHS;
            if (special == 0) {
                i += 8;
                continue;
            }
            i += Long.numberOfTrailingZeros(special) >>> 3;
            byte c = b[i];
            if (c < 0) {
                i = Utf8.sequenceEnd(b, i, n); // the UTF-8 check of the whole message happens here, in strings
                if (i < 0) {
                    return false;
                }
                continue;
            }
            if (c == '"') {
                lastKind = escaped ? ESCAPED_STRING : STRING;
                pos = i + 1;
                return true;
            }
            if (c != '\\') {
                return false; // a control character
            }
            int after = escapeEnd(i);
            if (after < 0) {
                return false;
            }
            escaped = true;
            i = after;
        }
        if (!scanString(i)) {
            return false;
        }
        if (escaped) {
            lastKind = ESCAPED_STRING;
        }
        return true;
    }

    /** Past the escape sequence at {@code b[i] == '\\'}, or -1 when it is not one. */
    private int escapeEnd(int i) {
        if (i + 1 >= n) {
            return -1;
        }
        return switch (b[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i + 2;
            case 'u' -> i + 6 <= n && hex(b[i + 2]) >= 0 && hex(b[i + 3]) >= 0 && hex(b[i + 4]) >= 0 && hex(b[i + 5]) >= 0
                    ? i + 6 : -1;
            default -> -1;
        };
    }

    /** A string from {@code b[pos] == '"'}; sets {@link #lastHash} of its raw content. */
    private boolean scanString() {
        return scanString(pos + 1);
    }

    /** {@link #scanString} with the bytes from {@code pos + 1} to {@code i} known to be plain (hash not kept). */
    private boolean scanString(int i) {
        int hash = 0;
        boolean escaped = false;
        while (true) {
            if (i >= n) {
                return false;
            }
            byte c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                escaped = true;
                i = escapeEnd(i);
                if (i < 0) {
                    return false;
                }
                continue;
            }
            if (c < 0) {
                int end = Utf8.sequenceEnd(b, i, n); // outside strings the grammar takes ASCII only
                if (end < 0) {
                    return false;
                }
                for (; i < end; i++) {
                    hash = 31 * hash + b[i];
                }
                continue;
            }
            if (c < 0x20) {
                return false; // control characters must be escaped
            }
            hash = 31 * hash + c;
            i++;
        }
        lastHash = hash;
        lastKind = escaped ? ESCAPED_STRING : STRING;
        pos = i + 1;
        return true;
    }

    private static int hash(byte[] bytes, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + bytes[i];
        }
        return hash;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A number; {@code built}: the decoder builds it (its BigDecimal must be possible: the exponent fits an int). */
    private boolean scanNumber(boolean built) {
        int start = pos;
        int i = pos;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
        }
        if (i >= n) {
            return false;
        }
        long value = 0;
        int digits = 0;
        if (b[i] == '0') {
            i++;
            digits = 1;
        } else if (b[i] >= '1' && b[i] <= '9') {
            while (i < n && isDigit(b[i])) {
                if (digits < MAX_SIGNIFICANT_DIGITS) {
                    value = value * 10 + b[i] - '0';
                }
                digits++;
                i++;
            }
        } else {
            return false;
        }
        boolean fraction = false;
        if (i < n && b[i] == '.') {
            fraction = true;
            int first = ++i;
            while (i < n && isDigit(b[i])) {
                i++;
            }
            if (i == first) {
                return false;
            }
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            fraction = true;
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int first = i;
            while (i < n && isDigit(b[i])) {
                i++;
            }
            if (i == first || built && i - first > MAX_EXPONENT_DIGITS) {
                return false;
            }
        }
        pos = i;
        if (i - start > MAX_NUMBER_LENGTH || !delimited()) {
            return false;
        }
        if (fraction) {
            lastKind = FLOAT;
        } else if (digits <= MAX_SIGNIFICANT_DIGITS) {
            lastKind = INTEGER;
            lastNumber = negative ? -value : value;
        } else {
            lastKind = BIG_INTEGER;
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private void skipWhitespace() {
        while (pos < n) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    // ---- Reading values the last read found (the bytes are known to be well-formed) ----

    /** The position of the first element of the array at {@code start}, or -1 when it is empty. */
    public int firstElement(int start) {
        pos = start + 1;
        skipWhitespace();
        return b[pos] == ']' ? -1 : pos;
    }

    /** The position of the element after the one ending at {@code end}, or -1 after the last. */
    public int nextElement(int end) {
        pos = end;
        skipWhitespace();
        if (b[pos] == ']') {
            return -1;
        }
        pos++;
        skipWhitespace();
        return pos;
    }

    /** The number of elements of the array at {@code start}. */
    public int elementCount(int start) {
        int count = 0;
        for (int at = firstElement(start); at >= 0; at = nextElement(elementEnd(at))) {
            count++;
        }
        return count;
    }

    /**
     * Reads the element at {@code at}: then {@link #elementKind()} and {@link #elementNumber()}
     * describe it; returns where it ends.
     */
    public int elementEnd(int at) {
        pos = at;
        int depth = maxDepth;
        maxDepth = Integer.MAX_VALUE; // checked by read
        scanValue(0, false);
        maxDepth = depth;
        return pos;
    }

    /** The kind of the element {@link #elementEnd} read. */
    public byte elementKind() {
        return lastKind;
    }

    /** The value of the {@link #INTEGER} element {@link #elementEnd} read. */
    public long elementNumber() {
        return lastNumber;
    }

    /**
     * Splits the number at {@code b[start, end)} into {@link #mantissa()} × 10^{@link #exponent()}
     * (the digits as written, trailing zeros kept); false when it has more than 18 significant
     * digits or an exponent beyond ±100000.
     */
    public boolean decimal(int start, int end) {
        int i = start;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int significant = 0;
        int scale = 0;
        boolean afterPoint = false;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '.') {
                afterPoint = true;
                continue;
            }
            if (c == 'e' || c == 'E') {
                break;
            }
            if (afterPoint) {
                scale++;
            }
            if (significant > 0 || c != '0') {
                if (++significant > MAX_SIGNIFICANT_DIGITS) {
                    return false;
                }
                m = m * 10 + c - '0';
            }
        }
        long e = 0;
        if (i < end) {
            i++;
            boolean negativeExponent = b[i] == '-';
            if (b[i] == '-' || b[i] == '+') {
                i++;
            }
            for (; i < end; i++) {
                e = e * 10 + b[i] - '0';
                if (e > 100_000) {
                    return false;
                }
            }
            e = negativeExponent ? -e : e;
        }
        mantissa = negative ? -m : m;
        exponent = (int) (e - scale);
        return true;
    }

    /** See {@link #decimal}. */
    public long mantissa() {
        return mantissa;
    }

    /** See {@link #decimal}. */
    public int exponent() {
        return exponent;
    }

    /**
     * Decodes the escapes of the string at {@code b[start, end)} (quotes included) into UTF-8 in
     * {@link #scratch()}; returns its length, or -1 for a lone surrogate (which the decoder keeps
     * in its String and the String encoder writes as {@code ?}).
     */
    public int unescape(int start, int end) {
        int length = 0;
        byte[] out = scratch;
        if (out.length < end - start) {
            out = scratch = new byte[Math.max(end - start, out.length * 2)];
        }
        for (int i = start + 1; i < end - 1; ) {
            byte c = b[i];
            if (c != '\\') {
                out[length++] = c;
                i++;
                continue;
            }
            byte e = b[i + 1];
            if (e != 'u') {
                out[length++] = switch (e) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> e; // " \ /
                };
                i += 2;
                continue;
            }
            int code = hex4(i + 2);
            i += 6;
            if (code >= 0xD800 && code <= 0xDFFF) {
                if (code > 0xDBFF || i + 6 > end - 1 || b[i] != '\\' || b[i + 1] != 'u') {
                    return -1;
                }
                int low = hex4(i + 2);
                if (low < 0xDC00 || low > 0xDFFF) {
                    return -1;
                }
                i += 6;
                code = Character.toCodePoint((char) code, (char) low);
            }
            // an escape is 6 bytes (12 for a pair) and its UTF-8 at most 3 (4): the scratch is big enough
            if (code < 0x80) {
                out[length++] = (byte) code;
            } else if (code < 0x800) {
                out[length++] = (byte) (0xC0 | code >> 6);
                out[length++] = (byte) (0x80 | code & 0x3F);
            } else if (code < 0x10000) {
                out[length++] = (byte) (0xE0 | code >> 12);
                out[length++] = (byte) (0x80 | code >> 6 & 0x3F);
                out[length++] = (byte) (0x80 | code & 0x3F);
            } else {
                out[length++] = (byte) (0xF0 | code >> 18);
                out[length++] = (byte) (0x80 | code >> 12 & 0x3F);
                out[length++] = (byte) (0x80 | code >> 6 & 0x3F);
                out[length++] = (byte) (0x80 | code & 0x3F);
            }
        }
        return length;
    }

    private int hex4(int at) {
        return hex(b[at]) << 12 | hex(b[at + 1]) << 8 | hex(b[at + 2]) << 4 | hex(b[at + 3]);
    }

    /** The buffer {@link #unescape} writes to. */
    public byte[] scratch() {
        return scratch;
    }

    /**
     * The bytes {@code b[from, to)} as text, when they are all ASCII, else null: a view, valid until
     * the next call, for parsers that take a CharSequence (no String per value).
     */
    public CharSequence ascii(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return null;
            }
        }
        view.set(b, from, to - from);
        return view;
    }

    /** ASCII bytes seen as chars. */
    private static final class AsciiView implements CharSequence {
        private byte[] bytes;
        private int offset;
        private int length;

        void set(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return (char) bytes[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }
}
