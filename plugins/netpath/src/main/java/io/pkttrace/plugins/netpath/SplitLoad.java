package io.pkttrace.plugins.netpath;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads netpath's programs at the same time. The kernel's verifier spends ~45 ms on each (some 36,000
 * instructions processed, on this VM), and libbpf loads the programs of an object one after the other:
 * the three default hooks took ~135 ms of the ~0.75 s to "tracing". Instead the object is loaded with
 * its maps only (~15 ms: libbpf's parse of the kernel's BTF is ~5 ms of it), and the programs in as many
 * copies of it as there are CPUs, which use those maps as their own, loaded on a thread each: the
 * verifier runs in the loading thread, and a privileged process's loads are not serialized (two
 * 2-program loads: ~120 ms against ~180 ms for one 4-program load on the 2-CPU VM with a CPU to spare,
 * measured with libbpf from C; with no CPU to spare, each copy's parse of the kernel's BTF makes it
 * slower). The records, counters and filter are the maps', so the copies change nothing else.
 */
final class SplitLoad {
    private SplitLoad() {
    }

    /**
     * Loads {@code chosen} of the programs of {@code owner}, which is opened from {@code elf} and gets every
     * map; returns the object each chosen program is in, to be attached there. Returns (or fails) only
     * once every load has ended: the engine closes the objects when the probe fails.
     *
     * @param every      every program of the object (the others are not loaded)
     * @param sharedMaps every map of the object but its read-only data (which each copy has, and gets set alike)
     */
    static Map<String, BpfObject> load(ProbeContext context, BpfObject owner, byte[] elf, List<String> every,
                                       List<String> chosen, List<String> sharedMaps) throws PkttraceException {
        Map<String, BpfObject> holders = new LinkedHashMap<>();
        int copies = Math.min(chosen.size(), Runtime.getRuntime().availableProcessors());
        if (copies < 2) {
            autoload(owner, every, chosen, holders);
            owner.load();
            return holders;
        }
        autoload(owner, every, List.of(), holders);
        owner.load(); // its maps
        List<BpfObject> loads = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            List<String> share = new ArrayList<>();
            for (int p = i; p < chosen.size(); p += copies) {
                share.add(chosen.get(p));
            }
            loads.add(copy(context, owner, elf, every, share, sharedMaps, holders));
        }
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> others = new ArrayList<>();
        for (BpfObject o : loads.subList(1, loads.size())) {
            Thread t = new Thread(() -> {
                try {
                    o.load();
                } catch (PkttraceException | RuntimeException | Error e) {
                    failed.compareAndSet(null, e);
                }
            }, "pkttrace-netpath-load");
            t.setDaemon(true);
            t.start();
            others.add(t);
        }
        try {
            loads.get(0).load();
        } finally {
            others.forEach(SplitLoad::awaitEnd); // libbpf must be done with every object the engine may close
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
