package com.example.pkttrace.xmit;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.util.List;
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

    /** It declares no options ({@code options()} is empty): pkttrace refuses any, in one line. */
    @Override
    public Config configure(Options options) throws ConfigException {
        return new Config();
    }

    /** Optional: says how the probe attaches, for pkttrace doctor; without it doctor prints a generic line. */
    @Override
    public List<MechanismChoice> mechanisms(Config config, KernelSupport kernel) {
        return XmitProbe.mechanisms(kernel);
    }

    @Override
    public Probe create(Config config) {
        return new XmitProbe();
    }
}
