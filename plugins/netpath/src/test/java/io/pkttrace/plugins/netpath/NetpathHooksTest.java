package io.pkttrace.plugins.netpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.ElfFile;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.core.bpf.EventLayout;
import io.pkttrace.core.testing.KernelTestSupport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The hooks of the Java side ({@link NetpathConfig.Hook}) and of netpath.bpf.c are the same: each has
 * its enumerator in the object's enum netpath_hook (which names the records' hooks) and its programs
 * in the sections of its tracepoint, as tp_btf and as raw_tp; the stacked-device taps' socket filter
 * is a socket program of netpath_stacked.bpf.o, whose hook ids and record are netpath.bpf.o's.
 * Reads the built objects; needs no privilege.
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
            requireProgram(elf, h.rawProgram, "raw_tp/" + h.tracepoint, "hook " + h.label() + " (raw)");
        }
    }

    /** Where the taps' object differs from the tracepoints' in what both declare, or "" where it does not. */
    private static String stackedDiffers(byte[] object, byte[] stacked) throws Exception {
        Btf main = Btf.fromElf(ByteBuffer.wrap(object), "netpath.bpf.o");
        Btf taps = Btf.fromElf(ByteBuffer.wrap(stacked), "netpath_stacked.bpf.o");
        if (!EnumConstants.of(main, NetpathProbe.HOOK_ENUM).values().equals(EnumConstants.of(taps, NetpathProbe.HOOK_ENUM).values())) {
            return "enum " + NetpathProbe.HOOK_ENUM;
        }
        if (!EventLayout.of(main).equals(EventLayout.of(taps))) {
            return "struct pkttrace_event";
        }
        return "";
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
    void theTapsObjectHasTheSocketFilterAndTheTracepointsObjectsHookIdsAndRecord() throws Exception {
        byte[] stacked = KernelTestSupport.bpfObject("netpath_stacked.bpf.o");
        requireProgram(ElfFile.of(ByteBuffer.wrap(stacked), "netpath_stacked.bpf.o"), NetpathProbe.STACKED_RX_PROGRAM, "socket",
                "the stacked-device taps");
        assertEquals("", stackedDiffers(KernelTestSupport.bpfObject("netpath.bpf.o"), stacked));
        assertEquals("enum " + NetpathProbe.HOOK_ENUM, stackedDiffers(KernelTestSupport.bpfObject("netpath_renamed_hook.bpf.o"),
                stacked), "a difference is found");
    }

    /**
     * The copies that hold the programs (SplitLoad) and the taps' object use OBJECT's maps as their own:
     * every map must be shared, and no writable global data may exist that each copy would have apart.
     */
    @Test
    void everyMapOfTheTracepointsObjectIsShared() throws Exception {
        ElfFile elf = ElfFile.of(ByteBuffer.wrap(KernelTestSupport.bpfObject("netpath.bpf.o")), "netpath.bpf.o");
        List<String> maps = new ArrayList<>();
        for (ElfFile.Symbol s : elf.symbols()) {
            if (s.type() == 1 /* STT_OBJECT */ && s.sectionIndex() < elf.sections().size()
                    && elf.sections().get(s.sectionIndex()).name().equals(".maps")) {
                maps.add(s.name());
            }
        }
        assertEquals(NetpathProbe.SHARED_MAPS.stream().sorted().toList(), maps.stream().sorted().toList());
        List<String> data = elf.sections().stream().map(ElfFile.Section::name)
                .filter(n -> n.startsWith(".data") || n.startsWith(".bss")).toList();
        assertEquals(List.of(), data, "writable globals would differ between the copies");
    }

    /**
     * netpath.bpf.o must load where the kernel has no BTF of its own: an undefined symbol (a kfunc or
     * ksym extern, such as the taps' bpf_cast_to_kern_ctx) makes libbpf demand the kernel's BTF.
     */
    @Test
    void theTracepointsObjectHasNoExternThatNeedsKernelBtf() throws Exception {
        List<String> undefined = new ArrayList<>();
        for (ElfFile.Symbol s : ElfFile.of(ByteBuffer.wrap(KernelTestSupport.bpfObject("netpath.bpf.o")), "netpath.bpf.o").symbols()) {
            if (!s.isDefined() && !s.name().isEmpty()) {
                undefined.add(s.name());
            }
        }
        assertEquals(List.of(), undefined);
    }

    @Test
    void aHookMissingOnTheCSideFailsNamingIt() throws Exception {
        LayoutException e = assertThrows(LayoutException.class,
                () -> check(KernelTestSupport.bpfObject("netpath_renamed_hook.bpf.o")));
        assertEquals("enum netpath_hook has no enumerator NETPATH_HOOK_CONSUME", e.getMessage());
    }
}
