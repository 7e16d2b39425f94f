package io.pkttrace.plugins.bench;

import io.pkttrace.api.KernelSupport;
import io.pkttrace.api.MechanismChoice;
import io.pkttrace.api.BpfObjectProbe;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.ProbeContext;
import io.pkttrace.btf.Btf;
import io.pkttrace.btf.LayoutException;
import io.pkttrace.btf.MalformedFileException;
import io.pkttrace.btf.StructLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Loads synthetic.bpf.o: one standard record per system call entry of one process, filtered in the
 * kernel (src/main/bpf/synthetic.bpf.c). It exists to drive the pipeline at the highest event rate the
 * kernel can produce (scripts/bench.sh), and the reference C consumer loads the very same object.
 */
final class SyntheticProbe extends BpfObjectProbe {
    static final String OBJECT = "/bpf/synthetic.bpf.o";
    static final String PROGRAM = "pt_sys_enter";
    static final String CONFIG_MAP = "synthetic_cfg";
    /** synthetic.bpf.c's enum of hook ids. */
    static final String HOOK_ENUM = "synthetic_hook";

    private final SyntheticConfig config;

    SyntheticProbe(SyntheticConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        return List.of("sys_enter: tp_btf/sys_enter (pid " + config.pid() + ", "
                + (config.syscall() == SyntheticConfig.ANY_SYSCALL ? "any system call" : "system call " + config.syscall()) + ")");
    }

    /**
     * synthetic_cfg's value, struct synthetic_cfg of synthetic.h, little-endian, at the offsets the
     * object's BTF gives.
     */
    static byte[] configValue(Btf btf, SyntheticConfig c) throws LayoutException {
        StructLayout cfg = StructLayout.of(btf, "synthetic_cfg");
        return ByteBuffer.allocate(cfg.size()).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(cfg.offset("tgid", 4), c.pid())
                .putInt(cfg.offset("syscall_nr", 4), c.syscall()).array();
    }

    /** The one hook and how it attaches: the decision start() follows and doctor shows. */
    static List<MechanismChoice> mechanisms(KernelSupport kernel) {
        return List.of(MechanismChoice.tpBtf("sys_enter", "sys_enter", "BTF tracepoint: every system call of the"
                + " traced process, filtered in the kernel", kernel));
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        List<MechanismChoice> choices = mechanisms(context.kernel());
        MechanismChoice.requireRunnable("synthetic", choices);
        byte[] elf = context.readResource("synthetic", SyntheticProbe.class, OBJECT);
        byte[] value;
        try {
            value = configValue(Btf.fromElf(ByteBuffer.wrap(elf), "synthetic.bpf.o"), config);
        } catch (LayoutException | MalformedFileException e) {
            throw new PkttraceException("synthetic.bpf.o does not match the bench plugin: " + e.getMessage(), "rebuild pkttrace");
        }
        object = context.open("synthetic", elf);
        object.load();
        // Written after load and before attach: the program traces nothing until it knows its target.
        object.updateMap(CONFIG_MAP, new byte[4], value);
        context.consume(object, context.standardDecoder(object, "synthetic", HOOK_ENUM));
        object.attach(PROGRAM);
        context.reportAttached("synthetic", choices.get(0), "for pid " + config.pid() + ", "
                + (config.syscall() == SyntheticConfig.ANY_SYSCALL ? "any system call" : "system call " + config.syscall()));
    }
}
