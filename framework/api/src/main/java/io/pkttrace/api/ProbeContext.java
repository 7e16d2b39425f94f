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
     * Opens a BPF object shipped as a resource of the plugin, e.g. {@code /io/pkttrace/bpf/netpath.bpf.o}.
     *
     * @param anchor a class of the plugin, whose class loader finds the resource
     */
    default BpfObject openResource(String name, Class<?> anchor, String resource) throws PkttraceException {
        byte[] elf;
        try (java.io.InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new PkttraceException("the plugin jar of '" + name + "' lacks " + resource,
                        "rebuild pkttrace (mvn package)");
            }
            elf = in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new PkttraceException("cannot read " + resource + " (" + e.getMessage() + ")", null);
        }
        return open(name, elf);
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
     * A decoder for the standard record layout of {@code bpf/include/pkttrace/event.h}.
     *
     * @param probeType value for {@link PacketEvent#probe()}
     * @param hookNames hook id (the record's {@code hook} field) to name
     */
    RecordDecoder standardDecoder(String probeType, String[] hookNames);

    /** Tells the user which mechanism was used for what, and why an alternative was not. */
    void report(String line);
}
