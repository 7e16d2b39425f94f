package io.pkttrace.jsonl;

import static io.pkttrace.jsonl.JsonBytes.DIGITS2;
import static io.pkttrace.jsonl.JsonBytes.DIGITS3;
import static io.pkttrace.jsonl.JsonBytes.INTS;
import static io.pkttrace.jsonl.JsonBytes.LONGS;

import java.time.Instant;

/**
 * Formats nanoseconds since the Unix epoch as ISO-8601 UTC with nine fraction digits,
 * "2025-06-01T12:34:56.123456789Z", as ASCII bytes into a caller's buffer. Fixed width, so the text
 * sorts like the number; {@link Instant#parse} reads it back. Written by hand because
 * {@code DateTimeFormatter} allocates several objects per call on the writer's hot path. The date is
 * kept as bytes per day; the time of day and the fraction are written from digit tables on every
 * call, a word at a time, with no branch that only a new second would take (C2 compiles such a branch, never taken
 * while it profiled, as a trap, and the next second would throw the compiled writer away). Not thread-safe.
 */
final class IsoTime {
    /** Length of every formatted time. */
    static final int LENGTH = 30;
    /** The most bytes {@link #format} writes: a year beyond four digits is spelled by the JDK, longer. */
    static final int MAX = 48;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long SECONDS_PER_DAY = 86_400L;
    private static final int DATE = 11;

    /** "YYYY-MM-DDT" of {@link #cachedDay}. */
    private final byte[] date = new byte[DATE];
    private long cachedDay = Long.MIN_VALUE;
    /** {@link #date} as the words format stores: its first 8 bytes, and its last 4. */
    private long dateHead;
    private int dateTail;

    /** Writes the time at {@code out[pos]} (room for {@link #MAX} bytes); returns the position after it. */
    int format(long epochNanos, byte[] out, int pos) {
        long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
        int nanos = (int) (epochNanos - seconds * NANOS_PER_SECOND);
        long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        if (days != cachedDay && !newDay(days)) {
            return jdk(seconds, nanos, out, pos);
        }
        int secOfDay = (int) (seconds - days * SECONDS_PER_DAY);
        int h = secOfDay / 3600;
        int rest = secOfDay - h * 3600;
        int m = rest / 60;
        int s = rest - m * 60;
        int ms = nanos / 1_000_000;
        rest = nanos - ms * 1_000_000;
        int us = rest / 1000;
        int ns = DIGITS3[rest - us * 1000];
        // Whole words: the date (8 bytes, then the last 4 overlapping), "HH:MM:SS", ".mmmuuun", "nnZ".
        LONGS.set(out, pos, dateHead);
        INTS.set(out, pos + DATE - 4, dateTail);
        LONGS.set(out, pos + 11, DIGITS2[h] | (long) ':' << 16 | (long) DIGITS2[m] << 24 | (long) ':' << 40
                | (long) DIGITS2[s] << 48);
        LONGS.set(out, pos + 19, '.' | (long) DIGITS3[ms] << 8 | (long) DIGITS3[us] << 32 | (long) (ns & 0xff) << 56);
        out[pos + 27] = (byte) (ns >> 8);
        out[pos + 28] = (byte) (ns >> 16);
        out[pos + 29] = 'Z';
        return pos + LENGTH;
    }

    /** A day other than the cached one: its date, if it has four digits. Apart, to keep format small enough to inline (FreqInlineSize). */
    private boolean newDay(long days) {
        if (!datePrefix(days)) {
            return false;
        }
        dateHead = (long) LONGS.get(date, 0);
        dateTail = (int) INTS.get(date, DATE - 4);
        cachedDay = days;
        return true;
    }

    /** Outside what four digits can hold: the JDK spells it (never on a sane clock). */
    private static int jdk(long seconds, int nanos, byte[] out, int pos) {
        String s = Instant.ofEpochSecond(seconds, nanos).toString();
        for (int i = 0; i < s.length(); i++) {
            out[pos + i] = (byte) s.charAt(i);
        }
        return pos + s.length();
    }

    /** 00 to 99. */
    private static int twoDigits(int v, byte[] out, int pos) {
        out[pos] = (byte) ('0' + v / 10);
        out[pos + 1] = (byte) ('0' + v % 10);
        return pos + 2;
    }

    /** Fills {@link #date} for {@code days} since 1970-01-01; false when the year has not four digits. */
    private boolean datePrefix(long days) {
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
        int y = (int) year;
        int p = twoDigits(y / 100, date, 0);
        p = twoDigits(y % 100, date, p);
        date[p++] = '-';
        p = twoDigits(month, date, p);
        date[p++] = '-';
        p = twoDigits(day, date, p);
        date[p] = 'T';
        return true;
    }
}
