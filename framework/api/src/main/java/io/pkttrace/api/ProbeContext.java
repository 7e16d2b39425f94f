package io.pkttrace.api;

/** What the engine offers a probe while it starts: BPF loading and ring-buffer consumption. */
public interface ProbeContext {
    /**
     * Opens (does not yet load) a BPF ELF object. The engine sizes its {@code pt_events} ring buffer
     * before load, and after load fills its {@code pt_filter} map with the kernel filter rules.
     *
     * @param name a short name for messages
     * @param elf  the object file's bytes, typically a resource of the plugin jar
     */
    BpfObject open(String name, byte[] elf) throws PkttraceException;

    /**
     * Opens a BPF object shipped as a resource of the plugin, e.g. {@code /bpf/netpath.bpf.o}
     * (where the probe SDK puts the objects compiled from the plugin's {@code src/main/bpf}).
     *
     * @param anchor a class of the plugin, whose class loader finds the resource
     */
    default BpfObject openResource(String name, Class<?> anchor, String resource) throws PkttraceException {
        return open(name, readResource(name, anchor, resource));
    }

    /** The bytes of a resource of the plugin (e.g. a BPF object whose BTF the plugin reads before opening it). */
    default byte[] readResource(String name, Class<?> anchor, String resource) throws PkttraceException {
        try (java.io.InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PkttraceException("the plugin jar of '" + name + "' lacks " + resource,
                        "rebuild pkttrace (mvn package)");
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new PkttraceException("cannot read " + resource + " (" + e.getMessage() + ")", null);
        }
    }

    /**
     * Starts consuming the object's {@code pt_events} ring buffer with the given decoder; the engine
     * also reads and reports its {@code pt_counters} (produced, lost, filtered in kernel).
     */
    void consume(BpfObject object, RecordDecoder decoder) throws PkttraceException;

    /**
     * Starts polling a source of events produced in user space (e.g. read from netlink) on the
     * engine's consumer thread, next to the ring buffers; its events pass the same filters,
     * enrichers and sinks, in timestamp order with the others, and its {@link EventSource#lost()}
     * counts in the run report.
     */
    void consume(EventSource source);

    /**
     * The five-tuple rules of the user's filters, as the engine pushes them into each object's
     * {@code pt_filter} map ({@link TupleRules#matchAll()} when there are none or when several
     * filters' rules cannot be combined). For probes that select packets by other means than that
     * map, e.g. by nftables rules.
     */
    default TupleRules filterRules() {
        return TupleRules.matchAll();
    }

    /**
     * A decoder for the standard record ({@code struct pkttrace_event} of the probe SDK's event.h) that
     * the object's programs write. Field offsets come from the object's own BTF, and the hook ids are
     * named by the enumerators of the C enum {@code hookEnum} there (exported with
     * {@code PT_EXPORT_ENUM}): {@code NETPATH_HOOK_TX = 1} in {@code enum netpath_hook} names hook 1
     * "tx". An object whose record or enum does not match fails here, naming the field.
     *
     * @param probeType value for {@link PacketEvent#probe()}
     */
    RecordDecoder standardDecoder(BpfObject object, String probeType, String hookEnum) throws PkttraceException;

    /**
     * Like {@link #standardDecoder(BpfObject, String, String)}, for hook ids a probe assigns at run time
     * (e.g. one per traced function): {@code hookNames[id]} names hook {@code id}.
     */
    RecordDecoder standardDecoder(BpfObject object, String probeType, String[] hookNames) throws PkttraceException;

    /**
     * How many of each packet's first bytes the run's sinks asked for ({@link Sink#packetBytes()}), 0
     * when none did. Objects opened through this context that use the probe SDK's output.h get it set
     * before load (its {@code pt_snap_len}); a probe with its own record copies that many bytes from the
     * packet's network header into it, and its decoder into {@link PacketEvent#packetBytes()}.
     */
    default int packetBytes() {
        return 0;
    }

    /** Tells the user which mechanism was used for what, and why an alternative was not. */
    void report(String line);

    /**
     * What this kernel and process can do, found out by trying (cached per process): the input of the
     * probe's mechanism choice ({@link ProbeFactory#mechanisms}), the same {@code pkttrace doctor} shows.
     */
    KernelSupport kernel();

    /**
     * Reports how a hook was attached, in the form doctor's lines are compared with:
     * {@code PROBE: HOOK attached as MECHANISM (WHY; not BETTER: WHY NOT)}.
     */
    default void reportAttached(String probe, MechanismChoice choice, String detail) {
        report(probe + ": " + choice.hook() + " attached as " + choice.mechanism() + (detail == null ? "" : " " + detail)
                + " (" + choice.why() + choice.notUsedClause() + ")");
    }
}
