package io.pkttrace.plugins.sinks.json;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.jsonl.JsonlEventWriter;
import io.pkttrace.plugins.sinks.OutputTarget;
import io.pkttrace.plugins.sinks.SinkOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;

/**
 * Writes each event as one JSON object on its own line (JSON Lines) with the format's own writer
 * ({@link JsonlEventWriter}, schema in docs/json-schema.md). Output is flushed once per batch
 * ({@link #flush()}), so {@code pkttrace ... | jq} shows events live. The monotonic-to-wall-clock
 * offset is measured once when the sink starts, unless the config gives one (replay).
 */
public final class JsonSink implements Sink {
    private final JsonConfig config;
    private final SinkOutput output;
    private JsonlEventWriter writer;
    private SinkOutput.Write flushWrite;
    private long offsetNs;

    /** A sink writing to the configured output, opened by {@link #start()}. */
    public JsonSink(JsonConfig config) {
        this(config, null);
    }

    /** A sink writing to {@code out} instead of the configured output (tests, embedding). */
    public JsonSink(JsonConfig config, OutputStream out) {
        this.config = config;
        this.output = new SinkOutput(config.output(), out);
    }

    /** The offset in use (after {@link #start()}). */
    long clockOffsetNs() {
        return offsetNs;
    }

    @Override
    public void start() throws PkttraceException {
        OutputStream out = output.open();
        try {
            writer = new JsonlEventWriter(out);
            flushWrite = writer::flush;
        } catch (IOException e) {
            throw new PkttraceException("sink json: cannot write to " + config.output().describe() + " (" + e.getMessage() + ")", null);
        }
        offsetNs = config.clockOffsetNs() != null ? config.clockOffsetNs() : JsonlEventWriter.runClockOffsetNs();
    }

    @Override
    public void accept(PacketEvent e) {
        if (output.failed()) {
            return;
        }
        try {
            writer.write(e, offsetNs);
        } catch (IOException ex) {
            throw output.fail(ex); // the generator's state is unknown now: write nothing more
        }
    }

    @Override
    public void flush() {
        output.run(flushWrite); // null before start
    }

    /** Writes nothing unless {@code summary=true}: the stream stays pure events by default. */
    @Override
    public void finish(RunStats stats) {
        if (writer == null) {
            return;
        }
        output.run(() -> {
            if (config.summary()) {
                Instant now = Instant.now(); // when the run ended here, not derived from ts_ns (replay)
                writer.writeSummary(stats, now.getEpochSecond() * 1_000_000_000L + now.getNano());
            }
            writer.flush();
        });
    }

    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        try {
            writer.close(); // flushes; closes a file, only flushes standard output
        } catch (IOException ex) {
            // nothing more can be done: the error was or will be reported by flush/finish
        }
        writer = null;
    }
}
