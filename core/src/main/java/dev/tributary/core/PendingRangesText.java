package dev.tributary.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The text in which a source keeps one split's {@link PendingRange}s in its position store
 * (exactly-once delivery), the same for every source: empty for none, else
 * <pre>
 * tributary-eos/1 &lt;sealedAtMillis&gt;:&lt;first&gt;-&lt;last&gt;[,&lt;sealedAtMillis&gt;:&lt;first&gt;-&lt;last&gt;...]
 * </pre>
 * oldest first, ASCII, no blank but the one after the version; {@code sealedAtMillis} is a decimal
 * {@code long}, {@code first} and {@code last} are positions as the source prints them (a Kafka
 * offset, a Kinesis extended sequence number), which therefore hold no {@code ','}, {@code '-'} or
 * blank. The split is not in the text: the source knows whose text it reads. The version prefix lets a
 * later format be told apart; a reader refuses versions it does not know.
 *
 * <p>Reading is strict: another version, garbled or truncated text, an empty range, ranges out of order
 * or overlapping, a number out of range is an {@link IllegalArgumentException} saying which range and
 * why. What a source does with such text (log and replay nothing) and its own rules (where the text is
 * stored, how long it may be) stay with the source.
 */
public final class PendingRangesText {

    /** What every version of the format starts with. */
    public static final String PREFIX = "tributary-eos/";

    /** The version written now (followed by one blank and the ranges). */
    public static final String VERSION = PREFIX + "1";

    private static final String SHAPE = "<sealedAtMillis>:<first>-<last>";

    private PendingRangesText() {
    }

    /**
     * The text of {@code ranges}, all of one split and oldest first; "" for none.
     *
     * @param printer a position as the format keeps it (no {@code ','}, {@code '-'} or blank)
     * @throws IllegalArgumentException if the ranges overlap, are out of order or of several splits, a
     *                                  seal time is negative, or a position prints as the format cannot keep
     */
    public static String encode(List<PendingRange> ranges, Function<? super SourcePosition, String> printer) {
        Objects.requireNonNull(printer, "printer");
        if (ranges.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(VERSION.length() + 1 + ranges.size() * 40).append(VERSION).append(' ');
        PendingRange previous = null;
        for (PendingRange range : ranges) {
            if (previous != null && !previous.endsBefore(range.first())) {
                throw new IllegalArgumentException("pending ranges of " + range.split() + " overlap or are out of order: " + ranges);
            }
            if (range.sealedAtMillis() < 0) {
                throw new IllegalArgumentException("pending range " + range + " has a negative seal time " + range.sealedAtMillis());
            }
            if (previous != null) {
                text.append(',');
            }
            text.append(range.sealedAtMillis()).append(':').append(printed(range.first(), printer))
                    .append('-').append(printed(range.last(), printer));
            previous = range;
        }
        return text.toString();
    }

    private static String printed(SourcePosition position, Function<? super SourcePosition, String> printer) {
        String printed = printer.apply(position);
        boolean keepable = printed != null && !printed.isEmpty();
        for (int i = 0; keepable && i < printed.length(); i++) {
            char c = printed.charAt(i);
            keepable = c > ' ' && c < 0x7f && c != ',' && c != '-';
        }
        if (!keepable) {
            throw new IllegalArgumentException("position " + position + " prints as " + (printed == null ? "null" : quoted(printed))
                    + ", which pending ranges cannot keep (printable ASCII without ',', '-' or blanks)");
        }
        return printed;
    }

    /**
     * The ranges in {@code text}, oldest first; empty for "".
     *
     * @param parser a position of the split from its printed form; throws {@link IllegalArgumentException}
     *               for a form that is not one
     * @throws IllegalArgumentException if the text is not of this format and version, garbled, or its
     *                                  ranges are empty, overlap or are out of order (the message says
     *                                  which range, quoted short and printable, and why)
     */
    public static List<PendingRange> decode(String text, Function<String, ? extends SourcePosition> parser) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(parser, "parser");
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("the text was not written by Tributary's exactly-once delivery (it does not"
                    + " start with " + PREFIX + ")");
        }
        if (!text.startsWith(VERSION + " ")) {
            int blank = text.indexOf(' ');
            throw new IllegalArgumentException("the format " + quoted(blank < 0 ? text : text.substring(0, blank))
                    + " is not one this version reads (" + VERSION + ")");
        }
        List<PendingRange> ranges = new ArrayList<>();
        for (String entry : text.substring(VERSION.length() + 1).split(",", -1)) {
            PendingRange range = range(ranges.size() + 1, entry, parser);
            if (!ranges.isEmpty() && !ranges.get(ranges.size() - 1).endsBefore(range.first())) {
                throw new IllegalArgumentException(named(ranges.size() + 1, entry) + " is empty, overlaps or is out of order");
            }
            ranges.add(range);
        }
        return List.copyOf(ranges);
    }

    private static PendingRange range(int number, String entry, Function<String, ? extends SourcePosition> parser) {
        int colon = entry.indexOf(':');
        int dash = entry.indexOf('-', colon + 1);
        if (colon < 0 || dash < 0 || entry.indexOf('-', dash + 1) >= 0) {
            throw new IllegalArgumentException(named(number, entry) + " is not " + SHAPE);
        }
        long sealedAt;
        SourcePosition first;
        SourcePosition last;
        try {
            sealedAt = parseDecimal(entry.substring(0, colon));
            first = Objects.requireNonNull(parser.apply(entry.substring(colon + 1, dash)), "parsed position");
            last = Objects.requireNonNull(parser.apply(entry.substring(dash + 1)), "parsed position");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(named(number, entry) + " is not " + SHAPE + ": " + e.getMessage(), e);
        }
        if (first.compareWithinSplit(last) > 0) {
            throw new IllegalArgumentException(named(number, entry) + " is empty, overlaps or is out of order");
        }
        return new PendingRange(first, last, sealedAt);
    }

    private static String named(int number, String entry) {
        return "range " + number + " " + quoted(entry);
    }

    /**
     * A number as the format writes it: decimal digits only (no sign, no blank), 0 to {@link Long#MAX_VALUE}.
     *
     * @throws IllegalArgumentException for anything else, quoting it
     */
    public static long parseDecimal(String digits) {
        boolean digitsOnly = !digits.isEmpty() && digits.length() <= 19;
        for (int i = 0; digitsOnly && i < digits.length(); i++) {
            digitsOnly = digits.charAt(i) >= '0' && digits.charAt(i) <= '9';
        }
        if (digitsOnly) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                // 19 digits beyond a long: refused below
            }
        }
        throw new IllegalArgumentException(quoted(digits) + " is not a decimal number from 0 to " + Long.MAX_VALUE);
    }

    /**
     * {@code text} in quotes, cut after 80 characters and with control characters escaped: stored text
     * is not secret, but may be long or binary-looking, and goes into messages and logs.
     */
    public static String quoted(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('\'');
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
