package io.pkttrace.api;

/**
 * Events that do not come from a BPF ring buffer (e.g. netlink messages), read by the engine on its
 * consumer thread alongside the rings. Registered by a probe with {@link ProbeContext#consume(EventSource)}.
 */
public interface EventSource {
    /** A short name for the run report, e.g. {@code netfilter}. */
    String name();

    /**
     * Hands each pending event to {@code out} without blocking, reusing one instance (the consumer
     * copies what it keeps), and returns how many it handed out. Called on the consumer thread.
     */
    int poll(java.util.function.Consumer<PacketEvent> out);

    /** Events this source could not deliver (e.g. a netlink receive buffer overrun), so far. */
    default long lost() {
        return 0;
    }
}
