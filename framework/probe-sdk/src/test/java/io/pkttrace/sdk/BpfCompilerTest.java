package io.pkttrace.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.btf.Btf;
import io.pkttrace.btf.EnumConstants;
import io.pkttrace.btf.StructLayout;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile step on both paths: with the SDK's checked-in vmlinux.h on a build machine whose kernel
 * exposes no BTF (the compile runs in a mount namespace where /sys/kernel/btf is an empty tmpfs), and
 * with a vmlinux.h generated from a BTF file given to it. Each object is then loaded by the kernel
 * (bpftool prog loadall: the verifier and CO-RE relocation run) and unloaded.
 */
class BpfCompilerTest {
    private static final Path SAMPLE = Path.of("src/test/resources/sample");
    private static final int CAP_SYS_ADMIN = 21;

    @TempDir
    Path tmp;

    /** Root (mount namespaces, loading programs), unshare, bpftool and clang; CI=true turns a lack into a failure. */
    @BeforeEach
    void gate() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        long caps = status.lines().filter(l -> l.startsWith("CapEff:"))
                .mapToLong(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16)).findFirst().orElse(0);
        String missing = (caps & (1L << CAP_SYS_ADMIN)) == 0 ? "root (mount namespaces, BPF)"
                : !BpfCompiler.onPath("unshare") ? "unshare (util-linux)"
                : !BpfCompiler.onPath("bpftool") ? "bpftool"
                : !BpfCompiler.onPath("clang") ? "clang"
                : !Files.isReadable(Path.of("/sys/kernel/btf/vmlinux")) ? "kernel BTF (to load the objects)" : null;
        if (missing != null) {
            System.err.println("BpfCompilerTest: NOT RUN: needs " + missing);
            if ("true".equals(System.getenv("CI"))) {
                fail("needs " + missing + " (CI=true: a missing prerequisite fails)");
            }
            Assumptions.abort("needs " + missing);
        }
    }

    private record Run(int exit, String output) {
    }

    /** BpfCompiler's main in a child JVM; with {@code hideKernelBtf}, in a mount namespace without kernel BTF. */
    private Run compile(boolean hideKernelBtf, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (hideKernelBtf) {
            // The shell proves the BTF is gone before the compile step starts.
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                    "mount -t tmpfs none /sys/kernel/btf && test ! -e /sys/kernel/btf/vmlinux && exec \"$@\"", "sh"));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), BpfCompiler.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "the compile step finished");
        return new Run(p.exitValue(), out);
    }

    /** Loads every program of the object into the kernel (verifier, CO-RE relocations), then unloads it. */
    private static void loads(Path object) throws Exception {
        Path pins = Path.of("/sys/fs/bpf/pt_sdk_test_" + ProcessHandle.current().pid() + "_" + System.nanoTime());
        try {
            Process p = new ProcessBuilder("bpftool", "prog", "loadall", object.toString(), pins.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), "bpftool prog loadall " + object + ":\n" + out);
        } finally {
            new ProcessBuilder("rm", "-rf", pins.toString()).start().waitFor();
        }
    }

    /** The object carries what the Java side reads: the record, the filter map and the hook enum. */
    private static void carriesTheContracts(Path object) throws Exception {
        Btf btf = Btf.read(object);
        assertEquals(120, StructLayout.of(btf, "pkttrace_event").size());
        StructLayout.of(btf, "pkttrace_filter").length("src", 8);
        assertEquals(1, EnumConstants.of(btf, "sample_hook").value("SAMPLE_HOOK_TX"));
    }

    @Test
    void buildsWithTheSdkHeaderOnAMachineWithoutKernelBtf() throws Exception {
        Path out = tmp.resolve("out");
        Run r = compile(true, SAMPLE.toString(), out.toString(), tmp.resolve("work").toString());
        assertEquals(0, r.exit(), r.output());
        Path object = out.resolve("sample.bpf.o");
        assertTrue(r.output().contains("compiled sample.bpf.c -> " + object), r.output()); // outside the working directory: absolute
        carriesTheContracts(object);
        loads(object);
    }

    @Test
    void buildsAgainstEveryTypeOfAGivenBtfAndSaysWhenThereIsNone() throws Exception {
        Path out = tmp.resolve("out");
        Path work = tmp.resolve("work");
        Run r = compile(false, "--btf", "/sys/kernel/btf/vmlinux", SAMPLE.toString(), out.toString(), work.toString());
        assertEquals(0, r.exit(), r.output());
        Path full = work.resolve("vmlinux-from-btf/vmlinux.h");
        assertTrue(Files.size(full) > 1_000_000, "bpftool wrote the kernel's full vmlinux.h: " + Files.size(full));
        carriesTheContracts(out.resolve("sample.bpf.o"));
        loads(out.resolve("sample.bpf.o"));

        Run none = compile(true, "--btf", "/sys/kernel/btf/vmlinux", SAMPLE.toString(), tmp.resolve("out2").toString(),
                tmp.resolve("work2").toString());
        assertEquals(1, none.exit(), none.output());
        assertEquals("pkttrace-probe: no BTF at /sys/kernel/btf/vmlinux to generate vmlinux.h from: give a readable kernel"
                + " BTF file (e.g. /sys/kernel/btf/vmlinux), or drop the setting to use the SDK's minimal vmlinux.h, which"
                + " needs none", none.output().strip());
    }

    @Test
    void aCompileErrorCarriesClangsMessage() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("broken.bpf.c"), "#include \"vmlinux.h\"\nint f(void) { return undeclared_name; }\n");
        Run r = compile(true, src.toString(), tmp.resolve("out").toString(), tmp.resolve("work").toString());
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().startsWith("pkttrace-probe: cannot compile broken.bpf.c (clang exit 1):"), r.output());
        assertTrue(r.output().contains("undeclared_name"), r.output());
        assertTrue(new File(tmp.resolve("out").toString()).list().length == 0, "no object for a failed compile");
    }
}
