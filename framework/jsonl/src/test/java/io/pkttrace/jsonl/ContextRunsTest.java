package io.pkttrace.jsonl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.PacketEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The cached probe/hook and namespace/interface runs ({@link ContextRuns}) give the bytes a writer
 * that has seen no event before writes: a stream of events whose contexts repeat, collide in the
 * direct-mapped slots, hold names too long to cache, escapes, non-ASCII and unset fields, written by
 * one long-lived writer, line by line against a new writer per event.
 */
class ContextRunsTest {
    private static final String[] NAMES = {
        null, "synthetic", "sys_enter", "netpath", "tx", "rx", "eth0", "ptb0", "", "say \"hi\"", "tab\there", "é",
        "emoji \ud83d\ude00", "lone \ud800", "twenty-chars-exactly", "twenty-one-chars-long", "x".repeat(300),
    };

    @Test
    void cachedRunsAreTheBytesOfAFirstEncoding() throws IOException {
        Random r = new Random(12);
        ByteArrayOutputStream shared = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (JsonlEventWriter longLived = new JsonlEventWriter(shared)) {
            PacketEvent e = new PacketEvent();
            for (int i = 0; i < 10_000; i++) {
                e.clear().timestampNs(1_000L * i).cpu(r.nextInt(4)).pid(r.nextInt(100_000)).length(r.nextInt(1500))
                        .probe(name(r)).hook(name(r)).netnsName(name(r)).ifname(name(r));
                if (r.nextBoolean()) {
                    e.netnsInode(4026531840L + r.nextInt(3));
                }
                if (r.nextInt(4) > 0) {
                    e.ifindex(r.nextInt(5));
                }
                if (r.nextInt(3) == 0) {
                    e.packetId(r.nextLong());
                }
                longLived.write(e, 1_700_000_000_000_000_000L);
                expected.append(firstEncoding(e));
            }
        }
        String mine = shared.toString(StandardCharsets.UTF_8);
        String[] got = mine.split("\n", -1);
        String[] want = expected.toString().split("\n", -1);
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], "event " + i);
        }
    }

    /** Mostly a few names, so that runs repeat; now and then a new string instance with the same text. */
    private static String name(Random r) {
        String n = NAMES[r.nextInt(r.nextInt(4) == 0 ? NAMES.length : 5)];
        return n != null && r.nextInt(10) == 0 ? new String(n.toCharArray()) : n;
    }

    private static String firstEncoding(PacketEvent e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonlEventWriter fresh = new JsonlEventWriter(out)) {
            fresh.write(e, 1_700_000_000_000_000_000L);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
