package io.pkttrace.plugins.vrouter;

import java.util.LinkedHashMap;
import java.util.Map;

/** Short packet numbers (#1, #2, ...) for the probe's 64-bit packet ids, in order of appearance; bounded. */
final class PacketNumbers {
    private final Map<Long, Long> numbers;
    private long next = 1;
    private boolean lastWasNew;

    PacketNumbers(int max) {
        numbers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > max;
            }
        };
    }

    /** The number of a packet id, given on first sight; 0 for id 0 (no packet). */
    long of(long id) {
        lastWasNew = false;
        if (id == 0) {
            return 0;
        }
        Long n = numbers.get(id);
        if (n == null) {
            n = next++;
            numbers.put(id, n);
            lastWasNew = true;
        }
        return n;
    }

    /** True when the last {@link #of} call numbered its id for the first time. */
    boolean wasNew() {
        return lastWasNew;
    }

    /** The number of an id seen before, or 0 (without numbering it). */
    long peek(long id) {
        Long n = numbers.get(id);
        return n == null ? 0 : n;
    }

    long count() {
        return next - 1;
    }
}
