package io.pkttrace.plugins.sinks.flow;

/** Why the flow sink considers a packet finished and prints it. */
public enum PacketEnd {
    /** Freed normally: the {@code consume} hook. */
    CONSUMED("consumed"),
    /** Freed with a drop reason: the {@code drop} hook (the reason is printed with it). */
    DROPPED("dropped"),
    /** No event for longer than idle-ms: its end was not traced (e.g. the consume hook is off). */
    IDLE("idle, end not seen"),
    /** The same packet id showed another tuple, or crossed a device again: the buffer was freed and reused unseen. */
    REUSED("end not seen, its buffer was reused"),
    /** Pushed out by the max-packets cap before it finished: the path may be incomplete. */
    EVICTED("INCOMPLETE: evicted by max-packets"),
    /** Still in flight when the trace ended. */
    AT_EXIT("in flight at exit"),
    /** The probe gave no packet id, so this event cannot be grouped with others. */
    NO_ID("no packet id, not grouped");

    private final String text;

    PacketEnd(String text) {
        this.text = text;
    }

    /** How the path printout names it. */
    public String text() {
        return text;
    }
}
