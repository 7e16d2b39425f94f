package io.pkttrace.plugins.netpath;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads netpath's programs two at a time. The kernel's verifier spends ~45 ms on each (some 36,000
 * instructions processed, on this VM), and libbpf loads the programs of an object one after the other:
 * four hooks took ~180 ms of the ~0.75 s to "tracing". Instead the object is loaded with its maps only
 * (~15 ms: libbpf's parse of the kernel's BTF is ~5 ms of it), and the programs in two more copies of it
 * that use those maps as their own, loaded at the same time on two threads: the verifier runs in the
 * loading thread, and a privileged process's loads are not serialized (two 2-program loads: ~120 ms
 * against ~180 ms for one 4-program load, measured with libbpf from C). The records, counters and filter
 * are the maps', so the copies change nothing else.
 */
final class SplitLoad {
    private SplitLoad() {
    }

    /**
     * Loads {@code chosen} of the programs of {@code owner}, which is opened from {@code elf} and gets every
     * map; returns the object each chosen program is in, to be attached there.
     *
     * @param every      every program of the object (the others are not loaded)
     * @param sharedMaps every map of the object but its read-only data (which each copy has, and gets set alike)
     */
    static Map<String, BpfObject> load(ProbeContext context, BpfObject owner, byte[] elf, List<String> every,
                                       List<String> chosen, List<String> sharedMaps) throws PkttraceException {
        Map<String, BpfObject> holders = new LinkedHashMap<>();
        if (chosen.size() < 2) {
            autoload(owner, every, chosen, holders);
            owner.load();
            return holders;
        }
        autoload(owner, every, List.of(), holders);
        owner.load(); // its maps
        int half = (chosen.size() + 1) / 2;
        BpfObject first = copy(context, owner, elf, every, chosen.subList(0, half), sharedMaps, holders);
        BpfObject second = copy(context, owner, elf, every, chosen.subList(half, chosen.size()), sharedMaps, holders);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                second.load();
            } catch (PkttraceException | RuntimeException | Error e) {
                failed.set(e);
            }
        }, "pkttrace-netpath-load");
        other.setDaemon(true);
        other.start();
        try {
            first.load();
        } finally {
            awaitEnd(other); // neither returns nor fails while libbpf still loads an object the engine would close
        }
        Throwable t = failed.get();
        if (t instanceof PkttraceException e) {
            throw e;
        } else if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        }
        return holders;
    }

    /** Another object from the same ELF, with {@code programs} only, on {@code owner}'s maps. */
    private static BpfObject copy(ProbeContext context, BpfObject owner, byte[] elf, List<String> every,
                                  List<String> programs, List<String> sharedMaps, Map<String, BpfObject> holders)
            throws PkttraceException {
        BpfObject o = context.open(owner.name(), elf);
        autoload(o, every, programs, holders);
        for (String map : sharedMaps) {
            o.shareMap(map, owner);
        }
        return o;
    }

    private static void autoload(BpfObject o, List<String> every, List<String> programs, Map<String, BpfObject> holders)
            throws PkttraceException {
        for (String p : every) {
            o.setAutoload(p, programs.contains(p));
        }
        programs.forEach(p -> holders.put(p, o));
    }

    private static void awaitEnd(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
