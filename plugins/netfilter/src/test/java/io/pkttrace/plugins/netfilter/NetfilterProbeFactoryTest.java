package io.pkttrace.plugins.netfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetfilterProbeFactoryTest {
    private static NetfilterConfig configure(String... items) throws ConfigException {
        return new NetfilterProbeFactory().configure(Options.parse("probe netfilter", List.of(items)));
    }

    @Test
    void defaultsTraceEveryNamespaceWithNftrace() throws Exception {
        NetfilterConfig c = configure();
        assertEquals(NetfilterConfig.Mechanism.AUTO, c.mechanism());
        assertTrue(c.namespaces().isEmpty());
        assertTrue(c.traces(1, null));
        assertEquals(4 << 20, c.rcvbufBytes());
        assertFalse(c.continues());
        assertFalse(c.optional());
    }

    @Test
    void optionsAreParsed() throws Exception {
        NetfilterConfig c = configure("mechanism=KRETPROBE", "netns=pt-a,4026531833", "rcvbuf=65536", "continues=true", "optional=true");
        assertEquals(NetfilterConfig.Mechanism.KRETPROBE, c.mechanism());
        assertEquals(Set.of("pt-a", "4026531833"), c.namespaces());
        assertTrue(c.traces(4026531833L, null));
        assertTrue(c.traces(7, "pt-a"));
        assertFalse(c.traces(7, "pt-b"));
        assertEquals(65536, c.rcvbufBytes());
        assertTrue(c.continues());
        assertTrue(c.optional());
    }

    @Test
    void badInputIsOneLine() {
        assertEquals("probe netfilter: unknown mechanism 'kprobe': valid: auto, nftrace, fexit, kretprobe",
                assertThrows(ConfigException.class, () -> configure("mechanism=kprobe")).userLine());
        assertEquals("probe netfilter: netns: '../x' is not a namespace name or inode number: give names as ip netns list shows them,"
                + " separated by commas", assertThrows(ConfigException.class, () -> configure("netns=../x")).userLine());
        assertTrue(assertThrows(ConfigException.class, () -> configure("rcvbuf=12")).userLine().contains("out of range"));
        assertTrue(assertThrows(ConfigException.class, () -> configure("hooks=tx")).userLine().contains("unknown option 'hooks'"));
    }

    @Test
    void pingRunsItNextToItsDeviceProbeAsOptionalAndTheEnricherRunsWithIt() throws Exception {
        NetfilterProbeFactory f = new NetfilterProbeFactory();
        assertTrue(f.defaultUse().always());
        assertEquals(Set.of("ping"), f.defaultUse().commands());
        NetfilterConfig asDefault = f.configure(Options.parse("probe netfilter", f.defaultUse().options()));
        assertTrue(asDefault.optional(), "where netfilter cannot be traced, ping goes on with the device rows");
        assertEquals(NetfilterProbeFactory.TYPE, new DropRuleEnricherFactory().defaultUse().withProbe());
    }
}
