package io.pkttrace.plugins.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The netfilter probe's one mechanism decision on kernels with various features (the start and doctor follow it). */
class NetfilterMechanismsTest {
    private static KernelSupport kernel(Set<KernelFeature> present) {
        return KernelSupport.assuming(present, "absent");
    }

    private static MechanismChoice hook(List<MechanismChoice> c, String hook) {
        return MechanismChoice.of(c, hook);
    }

    @Test
    void thisMachine() {
        List<MechanismChoice> c = NetfilterMechanisms.choose(NetfilterConfig.defaults(),
                kernel(EnumSet.of(KernelFeature.NFTRACE, KernelFeature.NETFILTER_LINK)));
        assertEquals("nftrace", hook(c, "verdicts").mechanism());
        assertEquals("netfilter (BPF link)", hook(c, "packet match").mechanism());
        assertNull(hook(c, "legacy iptables").mechanism());
        assertEquals(List.of("fentry/fexit: absent", "kprobe: absent"), hook(c, "legacy iptables").notUsed());
        assertFalse(hook(c, "legacy iptables").essential());
        assertEquals(true, MechanismChoice.runnable(c));
    }

    @Test
    void withoutNftraceAutoFallsBackToFunctionVerdicts() {
        List<MechanismChoice> c = NetfilterMechanisms.choose(NetfilterConfig.defaults(), kernel(EnumSet.of(KernelFeature.KPROBE)));
        assertEquals("kprobe+kretprobe", hook(c, "verdicts").mechanism());
        assertEquals(List.of("nf_tables tracing: absent", "fentry/fexit: absent"), hook(c, "verdicts").notUsed());
        assertEquals("kprobe+kretprobe", hook(c, "legacy iptables").mechanism());
        assertEquals(false, c.stream().anyMatch(x -> x.hook().equals("packet match")), "no trace messages to match");
    }

    @Test
    void anExplicitMechanismTheKernelLacksCannotRun() {
        NetfilterConfig fexit = new NetfilterConfig(NetfilterConfig.Mechanism.FEXIT, Set.of(), NetfilterConfig.DEFAULT_RCVBUF,
                false, false);
        List<MechanismChoice> c = NetfilterMechanisms.choose(fexit, kernel(EnumSet.of(KernelFeature.NFTRACE)));
        assertEquals(false, MechanismChoice.runnable(c));
        assertEquals(List.of("fentry/fexit: absent"), hook(c, "verdicts").notUsed());
    }
}
