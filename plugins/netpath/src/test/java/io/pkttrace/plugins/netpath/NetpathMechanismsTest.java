package io.pkttrace.plugins.netpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.KernelFeature;
import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** netpath's choice between tp_btf and raw_tp (and for the taps) on kernels assumed to have some features. */
class NetpathMechanismsTest {
    private static final EnumSet<KernelFeature> ALL = EnumSet.allOf(KernelFeature.class);
    private static final NetpathConfig TX_RX = new NetpathConfig(EnumSet.of(NetpathConfig.Hook.TX, NetpathConfig.Hook.RX));

    private static KernelSupport without(KernelFeature... absent) {
        EnumSet<KernelFeature> has = EnumSet.copyOf(ALL);
        List.of(absent).forEach(has::remove);
        return KernelSupport.assuming(has, "absent for the test");
    }

    private static NetpathConfig asked(NetpathConfig.Mechanism m) {
        return new NetpathConfig(TX_RX.hooks(), m);
    }

    @Test
    void tpBtfWhereTheKernelHasIt() {
        List<MechanismChoice> c = NetpathMechanisms.choose(TX_RX, without());
        assertEquals("tp_btf/net_dev_queue", MechanismChoice.of(c, "tx").mechanism());
        assertEquals(List.of(), MechanismChoice.of(c, "tx").notUsed());
        assertEquals(NetpathMechanisms.TAPS, MechanismChoice.of(c, NetpathMechanisms.STACKED_RX).mechanism());
    }

    /** Each feature asked for is tried on the kernel (a program loaded and attached): only those the choice needs. */
    @Test
    void withTpBtfRawTpIsNotTried() {
        EnumSet<KernelFeature> asked = EnumSet.noneOf(KernelFeature.class);
        KernelSupport all = without();
        KernelSupport recording = new KernelSupport() {
            @Override
            public boolean has(KernelFeature feature) {
                asked.add(feature);
                return all.has(feature);
            }

            @Override
            public String whyNot(KernelFeature feature) {
                asked.add(feature);
                return all.whyNot(feature);
            }
        };
        NetpathMechanisms.choose(TX_RX, recording);
        assertEquals(EnumSet.of(KernelFeature.TP_BTF, KernelFeature.SOCKET_FILTER), asked);
    }

    @Test
    void rawTpWithoutTpBtfSayingWhyAndWithoutTheTaps() {
        List<MechanismChoice> c = NetpathMechanisms.choose(TX_RX, without(KernelFeature.TP_BTF));
        assertEquals(NetpathConfig.Mechanism.RAW_TP, NetpathMechanisms.deviceHooks(TX_RX, without(KernelFeature.TP_BTF)));
        MechanismChoice rx = MechanismChoice.of(c, "rx");
        assertEquals("raw_tp/netif_receive_skb", rx.mechanism());
        assertEquals(NetpathMechanisms.RAW_TP_WHY, rx.why());
        assertEquals(List.of("tp_btf: absent for the test"), rx.notUsed());
        MechanismChoice taps = MechanismChoice.of(c, NetpathMechanisms.STACKED_RX);
        assertFalse(taps.available());
        assertTrue(taps.notUsed().get(0).contains("bpf_cast_to_kern_ctx"), taps.toString());
        assertTrue(MechanismChoice.runnable(c), "the taps are optional");
    }

    @Test
    void theUsersChoiceWinsAndIsNamed() {
        MechanismChoice tx = MechanismChoice.of(NetpathMechanisms.choose(asked(NetpathConfig.Mechanism.RAW_TP), without()), "tx");
        assertEquals("raw_tp/net_dev_queue", tx.mechanism());
        assertEquals(List.of("tp_btf: mechanism=raw_tp was asked for"), tx.notUsed());
        List<MechanismChoice> c = NetpathMechanisms.choose(asked(NetpathConfig.Mechanism.TP_BTF), without(KernelFeature.TP_BTF));
        assertFalse(MechanismChoice.runnable(c), "tp_btf was asked for and is absent: " + c);
        assertEquals("it attaches as a BTF tracepoint only (mechanism=tp_btf)", MechanismChoice.of(c, "tx").why());
    }

    @Test
    void neitherWithoutRawTracepointsOrBtf() {
        for (KernelFeature missing : List.of(KernelFeature.RAW_TP, KernelFeature.BTF)) {
            KernelSupport k = without(KernelFeature.TP_BTF, missing);
            assertNull(NetpathMechanisms.deviceHooks(TX_RX, k));
            MechanismChoice tx = MechanismChoice.of(NetpathMechanisms.choose(TX_RX, k), "tx");
            assertFalse(tx.available());
            assertEquals(List.of("tp_btf: absent for the test", missing.label() + ": absent for the test"), tx.notUsed());
        }
    }
}
