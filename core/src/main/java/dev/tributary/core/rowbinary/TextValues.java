package dev.tributary.core.rowbinary;

/**
 * What the encoders accept as text, for callers that must predict it before a column exists (table
 * inference): date and date-time text read by the {@code Date}/{@code DateTime}/{@code DateTime64}
 * encoders' own rules ({@link DateTimeText}, one place for them), and UUID text.
 */
public final class TextValues {

    private TextValues() {
    }

    /**
     * A date or date-time text as the date encoders read it.
     *
     * @param hasTime whether a time of day was given (else the text is {@code YYYY-MM-DD})
     * @param fractionDigits the digits of the fraction of a second as written (0 without one; more
     *     than 9 are read as 9 by the encoders)
     * @param hasOffset whether the text gave {@code Z} or an offset
     * @param epochSecond the instant's epoch second: with an offset the exact one, without one the
     *     local time read as UTC (the column's zone moves it by at most 18 hours)
     */
    public record DateTimeReading(boolean hasTime, int fractionDigits, boolean hasOffset, long epochSecond) {
    }

    /**
     * The reading of {@code text} when the date encoders accept it as a date or date-time in the
     * ISO-like forms ({@code YYYY-MM-DD[( |T)hh:mm[:ss[.f…]]][Z|±hh[:mm]]}), else null. Epoch-number
     * text, which the {@code DateTime} encoders also accept, is not a date here: digits alone are
     * more often counts or ids.
     */
    public static DateTimeReading dateTime(CharSequence text) {
        long parsed = DateTimeText.parse(text);
        if (parsed == DateTimeText.INVALID) {
            return null;
        }
        long local = DateTimeText.epochDay(parsed) * DateTimeText.SECONDS_PER_DAY + DateTimeText.secondOfDay(parsed);
        boolean hasOffset = DateTimeText.hasOffset(parsed);
        int fractionDigits = 0;
        if (text.length() > 20 && text.charAt(19) == '.') {
            for (int i = 20; i < text.length() && DateTimeText.isDigit(text.charAt(i)); i++) {
                fractionDigits++;
            }
        }
        return new DateTimeReading(text.length() > 10, fractionDigits, hasOffset,
                hasOffset ? local - DateTimeText.offsetSeconds(parsed) : local);
    }

    /** Whether {@code text} is a UUID in its canonical 8-4-4-4-12 hex form, which the UUID encoder accepts. */
    public static boolean isCanonicalUuid(CharSequence text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Bytes.hexDigit(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
