package io.pkttrace.cli;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.engine.FiniteEventSource;
import io.pkttrace.jsonl.JsonlEventReader;
import java.util.function.Consumer;

/**
 * A JSON Lines recording as a source of the pipeline: hands over up to {@value #BATCH} events per poll
 * (so sinks flush after every batch, as in a live run), and ends at the last line or at the first
 * malformed one, which {@link #failure()} keeps for the command to report after the sinks showed what
 * came before it.
 */
final class RecordingSource implements FiniteEventSource {
    static final int BATCH = 256;

    private final JsonlEventReader reader;
    private final PacketEvent event = new PacketEvent();
    private boolean pending;
    private boolean exhausted;
    private PkttraceException failure;

    /** Reads the first event at once: it gives the recording's clock offset before sinks are configured. */
    RecordingSource(JsonlEventReader reader) throws PkttraceException {
        this.reader = reader;
        pending = reader.next(event);
        exhausted = !pending;
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public int poll(Consumer<PacketEvent> out) {
        int n = 0;
        try {
            while (n < BATCH && !exhausted) {
                if (!pending && !reader.next(event)) {
                    exhausted = true;
                    break;
                }
                pending = false;
                out.accept(event);
                n++;
            }
        } catch (PkttraceException e) {
            failure = e;
            exhausted = true;
        }
        return n;
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }

    /** The malformed line that ended the recording early, or null. */
    PkttraceException failure() {
        return failure;
    }
}
