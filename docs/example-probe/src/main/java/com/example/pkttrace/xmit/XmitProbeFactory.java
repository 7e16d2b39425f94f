package com.example.pkttrace.xmit;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.util.Set;
import org.pf4j.Extension;

/** {@code --probe xmit}: packets that device drivers took for transmission. */
@Extension
public final class XmitProbeFactory implements ProbeFactory<XmitProbeFactory.Config> {
    /** No options: the typed config is empty. */
    public record Config() {
    }

    @Override
    public String type() {
        return "xmit";
    }

    @Override
    public String description() {
        return "packets a device driver took for transmission (tp_btf/net_dev_xmit)";
    }

    @Override
    public Config configure(Options options) throws ConfigException {
        options.requireOnly(Set.of()); // any option is an error, in one line
        return new Config();
    }

    @Override
    public Probe create(Config config) {
        return new XmitProbe();
    }
}
