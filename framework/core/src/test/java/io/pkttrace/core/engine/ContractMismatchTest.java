package io.pkttrace.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.TupleRules;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.bpf.DropReasons;
import io.pkttrace.core.bpf.KernelFilterEncoder;
import io.pkttrace.core.bpf.NativeBpf;
import io.pkttrace.core.testing.KernelTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A probe object built against other SDK headers than this engine reads is refused when the probe
 * starts, with one line naming the field: src/test/bpf/mismatch_*.bpf.c are skb_hooks.bpf.c with one
 * field of the record or of the filter map renamed. Opening an object needs no privilege.
 */
class ContractMismatchTest {
    private ProbeRuntime runtime;

    @BeforeEach
    void runtime() throws Exception {
        runtime = new ProbeRuntime(NativeBpf.get(), EngineSettings.defaults(), TupleRules.matchAll(), DropReasons.none(), line -> { });
    }

    @Test
    void aRecordWithoutAFieldTheDecoderReadsIsRefusedByName() throws Exception {
        BpfObject o = runtime.open("mismatch-event", KernelTestSupport.bpfObject("mismatch_event.bpf.o"));
        try {
            PkttraceException e = assertThrows(PkttraceException.class,
                    () -> runtime.standardDecoder(o, "test", "skb_hooks_hook"));
            assertEquals("BPF object 'mismatch-event' does not match this pkttrace: struct pkttrace_event has no field 'ifname':"
                    + " rebuild the plugin against this pkttrace's probe SDK (pkttrace-probe-maven-plugin)", e.userLine());
        } finally {
            o.close();
        }
    }

    @Test
    void aFilterMapWithoutAFieldTheEncoderWritesIsRefusedByName() throws Exception {
        // The engine writes the filter after load (ProbeRuntime.consume); its encoder reads the layout first.
        LayoutException e = assertThrows(LayoutException.class,
                () -> KernelFilterEncoder.of(KernelTestSupport.btf("mismatch_filter.bpf.o")));
        assertEquals("struct pkttrace_filter has no field 'eport'", e.getMessage());
        KernelFilterEncoder.of(KernelTestSupport.btf("skb_hooks.bpf.o")); // the same object with the SDK's filter.h
    }

    @Test
    void aHookEnumThatIsNotThereIsRefusedByName() throws Exception {
        BpfObject o = runtime.open("skb-hooks", KernelTestSupport.bpfObject("skb_hooks.bpf.o"));
        try {
            PkttraceException e = assertThrows(PkttraceException.class, () -> runtime.standardDecoder(o, "test", "netpath_hook"));
            assertTrue(e.userLine().startsWith("BPF object 'skb-hooks' does not match this pkttrace: enum netpath_hook"
                    + " is not in the BTF"), e.userLine());
        } finally {
            o.close();
        }
    }
}
