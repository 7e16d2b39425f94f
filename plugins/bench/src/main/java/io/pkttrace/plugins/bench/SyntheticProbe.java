package io.pkttrace.plugins.bench;

import io.pkttrace.api.BpfObject;
import io.pkttrace.api.PkttraceException;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Loads synthetic.bpf.o: one standard record per system call entry of one process, filtered in the
 * kernel (bpf/src/synthetic.bpf.c). It exists to drive the pipeline at the highest event rate the
 * kernel can produce (scripts/bench.sh), and the reference C consumer loads the very same object.
 */
final class SyntheticProbe implements Probe {
    static final String OBJECT = "/io/pkttrace/bpf/synthetic.bpf.o";
    static final String PROGRAM = "pt_sys_enter";
    static final String CONFIG_MAP = "synthetic_cfg";
    /** Indexed by the hook ids of synthetic.bpf.c. */
    static final String[] HOOK_NAMES = {null, "sys_enter"};

    private final SyntheticConfig config;
    private BpfObject object;

    SyntheticProbe(SyntheticConfig config) {
        this.config = config;
    }

    @Override
    public List<String> describe() {
        return List.of("sys_enter: tp_btf/sys_enter (pid " + config.pid() + ", "
                + (config.syscall() == SyntheticConfig.ANY_SYSCALL ? "any system call" : "system call " + config.syscall()) + ")");
    }

    /** synthetic_cfg's value: struct synthetic_cfg { __u32 tgid; __s32 syscall_nr; }, little-endian. */
    static byte[] configValue(SyntheticConfig c) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(c.pid()).putInt(c.syscall()).array();
    }

    @Override
    public void start(ProbeContext context) throws PkttraceException {
        object = context.openResource("synthetic", SyntheticProbe.class, OBJECT);
        object.load();
        // Written after load and before attach: the program traces nothing until it knows its target.
        object.updateMap(CONFIG_MAP, new byte[4], configValue(config));
        context.consume(object, context.standardDecoder("synthetic", HOOK_NAMES));
        BpfObject.Attachment a = object.attach(PROGRAM);
        context.report("synthetic: sys_enter attached as " + a.mechanism() + "/" + a.target() + " (pid " + config.pid()
                + ", " + (config.syscall() == SyntheticConfig.ANY_SYSCALL ? "any system call" : "system call " + config.syscall())
                + ", filtered in the kernel)");
    }

    @Override
    public void stop() {
        if (object != null) {
            object.detach();
        }
    }

    @Override
    public void close() {
        if (object != null) {
            object.close();
            object = null;
        }
    }
}
