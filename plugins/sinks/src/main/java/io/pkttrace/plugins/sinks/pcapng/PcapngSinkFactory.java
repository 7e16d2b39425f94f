package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import io.pkttrace.jsonl.JsonLines;
import io.pkttrace.plugins.sinks.OutputTarget;
import org.pf4j.Extension;

/**
 * {@code --sink pcapng:output=FILE[,snaplen=N]}: the packets for Wireshark and tshark, each event one
 * packet block with its first bytes (copied in BPF only because this sink asks for them), on an
 * interface per (namespace, device), with the hook, namespace, packet id and drop reason or verdict in
 * its comment.
 */
@Extension
public final class PcapngSinkFactory implements SinkFactory<PcapngConfig> {
    private static final String COMPONENT = "sink pcapng";
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> CLOCK_OFFSET = OPTIONS.add(Option.number(JsonLines.CLOCK_OFFSET_OPTION, Long.MIN_VALUE,
            Long.MAX_VALUE, null, "nanoseconds from kernel monotonic time to Unix time for the packets' timestamps;"
                    + " the run's own unless given (replay gives the recording's)"));
    static final Option<String> OUTPUT = OPTIONS.add(Option.text("output", "FILE", null,
            "pcapng file to write (created or truncated), or - for standard output (e.g. | tshark -r -)")
            .required("trace.pcapng", "give the capture file, e.g. --sink pcapng:output=trace.pcapng"));
    static final Option<Long> SNAPLEN = OPTIONS.add(Option.number("snaplen", 1, PacketEvent.MAX_PACKET_BYTES,
            (long) PcapngConfig.DEFAULT_SNAP_LENGTH, "bytes of each packet captured, from its IP header"));

    @Override
    public String type() {
        return "pcapng";
    }

    @Override
    public String description() {
        return "pcapng for Wireshark/tshark: each event a packet (first snaplen bytes from the IP header), an interface per namespace/device, hook, packet id and drop reason or verdict in its comment";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public PcapngConfig configure(Options options) throws ConfigException {
        return new PcapngConfig(OutputTarget.parse(COMPONENT, options.get(OUTPUT)), options.get(SNAPLEN).intValue(),
                options.get(CLOCK_OFFSET));
    }

    @Override
    public Sink create(PcapngConfig config) {
        return new PcapngSink(config, null);
    }
}
