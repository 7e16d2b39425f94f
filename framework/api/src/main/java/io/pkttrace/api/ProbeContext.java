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
     * Starts consuming the object's {@code pt_events} ring buffer with the given decoder; the engine
     * also reads and reports its {@code pt_counters} (produced, lost, filtered in kernel).
     */
    void consume(BpfObject object, RecordDecoder decoder) throws PkttraceException;

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
