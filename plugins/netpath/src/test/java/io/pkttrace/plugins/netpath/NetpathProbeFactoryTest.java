package io.pkttrace.plugins.netpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetpathProbeFactoryTest {
    private final NetpathProbeFactory f = new NetpathProbeFactory();

    @Test
    void defaultsAreTxRxDrop() throws Exception {
        assertEquals(EnumSet.of(NetpathConfig.Hook.TX, NetpathConfig.Hook.RX, NetpathConfig.Hook.DROP),
                f.configure(Options.empty("probe netpath")).hooks());
    }

    @Test
    void hooksAreChosenByName() throws Exception {
        NetpathConfig c = f.configure(Options.parse("probe netpath", List.of("hooks=rx,consume")));
        assertEquals(EnumSet.of(NetpathConfig.Hook.RX, NetpathConfig.Hook.CONSUME), c.hooks());
        assertEquals(List.of("consume: tp_btf/consume_skb", "rx on stacked devices: socket filter pt_stacked_rx on AF_PACKET taps",
                "rx: tp_btf/netif_receive_skb"), new NetpathProbe(c).describe().stream().sorted().toList());
        assertEquals(List.of("tx: tp_btf/net_dev_queue"),
                new NetpathProbe(f.configure(Options.parse("probe netpath", List.of("hooks=tx")))).describe(),
                "no taps without rx");
    }

    @Test
    void theMechanismIsAutoUnlessNamed() throws Exception {
        assertEquals(NetpathConfig.Mechanism.AUTO, f.configure(Options.empty("probe netpath")).mechanism());
        NetpathConfig raw = f.configure(Options.parse("probe netpath", List.of("mechanism=raw_tp", "hooks=tx")));
        assertEquals(NetpathConfig.Mechanism.RAW_TP, raw.mechanism());
        assertEquals(List.of("tx: raw_tp/net_dev_queue"), new NetpathProbe(raw).describe());
        assertEquals(NetpathConfig.Mechanism.TP_BTF,
                f.configure(Options.parse("probe netpath", List.of("mechanism=TP_BTF"))).mechanism());
        ConfigException e = assertThrows(ConfigException.class,
                () -> f.configure(Options.parse("probe netpath", List.of("mechanism=kprobe"))));
        assertEquals("probe netpath: unknown mechanism 'kprobe': give one of auto, tp_btf, raw_tp", e.userLine());
        e = assertThrows(ConfigException.class,
                () -> f.configure(Options.parse("probe netpath", List.of("mechanism=raw_tp", "mechanism=tp_btf"))));
        assertEquals("probe netpath: option 'mechanism' given more than once: give one of auto, tp_btf, raw_tp", e.userLine());
    }

    @Test
    void badInputIsOneLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> f.configure(Options.parse("probe netpath", List.of("hooks=tx,sideways"))));
        assertEquals("probe netpath: unknown hook 'sideways': valid hooks: tx, rx, drop, consume", e.userLine());
        assertThrows(ConfigException.class, () -> f.configure(Options.parse("probe netpath", List.of("mode=x"))));
    }
}
