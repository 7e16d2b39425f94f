package io.pkttrace.testkit;

import io.pkttrace.api.CommandPreset;
import io.pkttrace.api.ShortForm;
import java.util.List;
import org.pf4j.Extension;

/** {@code pkttrace looptrace [-p PORT] [-o] [-a ...]}: a command this plugin adds, as the vrouter plugin adds {@code vrouter}. */
@Extension
public final class LoopPreset implements CommandPreset {
    @Override
    public String name() {
        return "looptrace";
    }

    @Override
    public String description() {
        return "test command: trace transmitted packets, -p to keep one UDP port";
    }

    @Override
    public List<String> probes() {
        return List.of("netpath:hooks=tx");
    }

    @Override
    public List<ShortForm> shortForms() {
        return List.of(ShortForm.selects("-o", "sink", "flow", "each packet's path (the flow sink), as pkt_tracer -o"));
    }
}
