package io.pkttrace.plugins.netpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The hooks of the Java side ({@link NetpathConfig.Hook}) and of netpath.bpf.c are the same: each has
 * its enumerator in the object's enum netpath_hook (which names the records' hooks) and its program
 * in the section of its tracepoint; the stacked-device taps' socket filter is there as a socket
 * program. Reads the built object; needs no privilege.
 */
class NetpathHooksTest {
    /** Every hook of the Java side in the object, or a failure naming the first one missing. */
    static void check(byte[] object) throws Exception {
        Btf btf = Btf.fromElf(ByteBuffer.wrap(object), "netpath.bpf.o");
        EnumConstants ids = EnumConstants.of(btf, NetpathProbe.HOOK_ENUM);
        ElfFile elf = ElfFile.of(ByteBuffer.wrap(object), "netpath.bpf.o");
        for (NetpathConfig.Hook h : NetpathConfig.Hook.values()) {
            ids.value("NETPATH_HOOK_" + h.name());
            requireProgram(elf, h.program, "tp_btf/" + h.tracepoint, "hook " + h.label());
        }
        requireProgram(elf, NetpathProbe.STACKED_RX_PROGRAM, "socket", "the stacked-device taps");
    }

    private static void requireProgram(ElfFile elf, String program, String section, String what) throws Exception {
        List<String> sections = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.isFunction() && s.name().equals(program)) {
                sections.add(elf.sections().get(s.sectionIndex()).name());
            }
        }
        if (!sections.equals(List.of(section))) {
            throw new LayoutException(what + ": program " + program + " is in " + sections + ", expected " + section);
        }
    }

    @Test
    void javaHooksAreTheProgramsAndEnumeratorsOfNetpathBpfC() throws Exception {
        check(KernelTestSupport.bpfObject("netpath.bpf.o"));
        // The decoder names hook ids from the enumerators: NETPATH_HOOK_TX -> "tx", the Java label.
        EnumConstants ids = EnumConstants.of(KernelTestSupport.btf("netpath.bpf.o"), NetpathProbe.HOOK_ENUM);
        List<String> labels = new ArrayList<>();
        ids.values().keySet().forEach(n -> labels.add(n.substring("NETPATH_HOOK_".length()).toLowerCase(Locale.ROOT)));
        assertEquals(List.of("tx", "rx", "drop", "consume"), labels);
    }

    @Test
    void aHookMissingOnTheCSideFailsNamingIt() throws Exception {
        LayoutException e = assertThrows(LayoutException.class,
                () -> check(KernelTestSupport.bpfObject("netpath_renamed_hook.bpf.o")));
        assertEquals("enum netpath_hook has no enumerator NETPATH_HOOK_CONSUME", e.getMessage());
    }
}
