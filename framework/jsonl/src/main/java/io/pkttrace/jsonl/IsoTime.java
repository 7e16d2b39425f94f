package io.pkttrace.jsonl;

import java.time.Instant;

/**
 * Formats nanoseconds since the Unix epoch as ISO-8601 UTC with nine fraction digits,
 * "2025-06-01T12:34:56.123456789Z", into a caller's char buffer. Fixed width, so the text sorts
 * like the number; {@link Instant#parse} reads it back. Written by hand because
 * {@code DateTimeFormatter} allocates several objects per call on the writer's hot path; the
 * date and time of day are cached per second, since consecutive events share them. Not thread-safe.
 */
final class IsoTime {
    /** Length of every formatted time. */
    static final int LENGTH = 30;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;

    /** "YYYY-MM-DDTHH:MM:SS." of {@link #cachedSecond}. */
    private final char[] prefix = new char[20];
    private long cachedSecond = Long.MIN_VALUE;

    /** @return the number of chars written into {@code out} (at least {@link #LENGTH} long) */
    int format(long epochNanos, char[] out) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
        if (seconds != cachedSecond) {
            if (!datePrefix(seconds)) {
                // Outside what four digits can hold: let the JDK spell it (never on a sane clock).
                String s = Instant.ofEpochSecond(seconds, nanos).toString();
                s.getChars(0, s.length(), out, 0);
                return s.length();
            }
            cachedSecond = seconds;
        }
        System.arraycopy(prefix, 0, out, 0, 20);
        int p = digits(nanos, 9, out, 20);
        out[p++] = 'Z';
        return p;
    }

    /** Fills {@link #prefix} for {@code seconds}; false when the year has not four digits. */
    private boolean datePrefix(long seconds) {
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        int secOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse), proleptic Gregorian.
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return false;
        }
        char[] out = prefix;
        int p = digits(year, 4, out, 0);
        out[p++] = '-';
        p = digits(month, 2, out, p);
        out[p++] = '-';
        p = digits(day, 2, out, p);
        out[p++] = 'T';
        p = digits(secOfDay / 3600, 2, out, p);
        out[p++] = ':';
        p = digits(secOfDay / 60 % 60, 2, out, p);
        out[p++] = ':';
        p = digits(secOfDay % 60, 2, out, p);
        out[p] = '.';
        return true;
    }

    private static int digits(long v, int width, char[] out, int pos) {
        for (int i = width - 1; i >= 0; i--) {
            out[pos + i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return pos + width;
    }
}
