package io.pkttrace.plugins.vrouter;

import io.pkttrace.api.CommandPreset;
import java.util.List;
import org.pf4j.Extension;

/**
 * {@code pkttrace vrouter -f FILE [-r] [-o] [-a key=value ...]}: pkt_tracer's command line, as a
 * {@code trace} with the vrouter probe and the calls sink. Its short forms are declared on the
 * options they set ({@code -f}, {@code --binary}, {@code --pid}, {@code --btf}, {@code --match} on the
 * probe's, {@code -o} and {@code -r} on the calls sink's); {@code -a} is the fivetuple plugin's, and
 * every other option of {@code trace} works here too.
 */
@Extension
public final class VrouterPreset implements CommandPreset {
    public static final String NAME = "vrouter";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "trace vrouter datapath functions like pkt_tracer: -f FILE [-r] [-o] [-a key=value ...]"
                + " (the vrouter probe and the calls sink; every option of trace works too)";
    }

    @Override
    public List<String> probes() {
        return List.of(VrouterProbeFactory.TYPE);
    }

    @Override
    public List<String> sinks() {
        return List.of(CallsSinkFactory.TYPE);
    }
}
