package io.pkttrace.plugins.bench;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.Probe;
import io.pkttrace.api.ProbeFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.pf4j.Extension;

/**
 * {@code --probe synthetic:pid=N[,syscall=getppid|getpid|any|NUMBER]}: one event per system call
 * entry of one process, for benchmarks (a tight getppid() loop is the hottest event source there is).
 */
@Extension
public final class SyntheticProbeFactory implements ProbeFactory<SyntheticConfig> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> PID = OPTIONS.add(Option.number("pid", 1, Integer.MAX_VALUE, null, "process to trace")
            .required("1234"));
    static final Option<String> SYSCALL = OPTIONS.add(Option.text("syscall", "NAME|N", "getppid",
            "system call to count: getppid, getpid, any, or a system call number"));

    @Override
    public String type() {
        return "synthetic";
    }

    @Override
    public String description() {
        return "benchmark probe: one event per system call entry of one process (tp_btf/sys_enter, filtered in the kernel)";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public SyntheticConfig configure(Options options) throws ConfigException {
        int pid = options.get(PID).intValue();
        if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
            throw new ConfigException("probe synthetic: no process " + pid, "give the pid of a running process");
        }
        return new SyntheticConfig(pid, syscall(options.get(SYSCALL)));
    }

    /** System call numbers differ per architecture; only the names the benchmark uses are known. */
    static int syscall(String name) throws ConfigException {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("any")) {
            return SyntheticConfig.ANY_SYSCALL;
        }
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
            try {
                return Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new ConfigException("probe synthetic: system call number out of range: " + name, null);
            }
        }
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (!x86 && !arm64) {
            throw new ConfigException("probe synthetic: system call names are only known on x86_64 and arm64, not " + arch,
                    "give the system call number, e.g. syscall=110");
        }
        switch (n) {
            case "getppid": return x86 ? 110 : 173;
            case "getpid": return x86 ? 39 : 172;
            default:
                throw new ConfigException("probe synthetic: unknown system call '" + name + "'",
                        "use getppid, getpid, any, or a system call number");
        }
    }

    @Override
    public java.util.List<io.pkttrace.api.MechanismChoice> mechanisms(SyntheticConfig config, io.pkttrace.api.KernelSupport kernel) {
        return SyntheticProbe.mechanisms(kernel);
    }

    @Override
    public Probe create(SyntheticConfig config) {
        return new SyntheticProbe(config);
    }
}
