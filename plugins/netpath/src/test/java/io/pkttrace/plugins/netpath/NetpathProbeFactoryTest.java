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
        assertEquals(List.of("rx: tp_btf/netif_receive_skb", "consume: tp_btf/consume_skb"),
                new NetpathProbe(c).describe().stream().sorted((a, b) -> a.startsWith("rx") ? -1 : 1).toList());
    }

    @Test
    void badInputIsOneLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> f.configure(Options.parse("probe netpath", List.of("hooks=tx,sideways"))));
        assertEquals("probe netpath: unknown hook 'sideways': valid hooks: tx, rx, drop, consume", e.userLine());
        assertThrows(ConfigException.class, () -> f.configure(Options.parse("probe netpath", List.of("mode=x"))));
    }
}
