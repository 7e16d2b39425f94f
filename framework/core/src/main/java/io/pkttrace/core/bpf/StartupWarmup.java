package io.pkttrace.core.bpf;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.btf.Btf;
import java.io.IOException;

/**
 * The start-up work of every run that loads BPF and that depends on nothing the command line says,
 * done on a second thread while the main thread parses the command line, creates the injector and
 * loads the plugins: loading libbpf and libc through jnr-ffi (~0.15-0.3 s: jnr-ffi generates its
 * stubs) and reading the kernel's BTF (~0.1 s) and its drop reasons (15-35 ms), all kept once per
 * process ({@link NativeBpf#get}, {@link Btf#vmlinux}, {@link DropReasons#fromKernel}). Nothing here
 * touches the kernel or decides anything: a failure is left for the main thread to meet and report in
 * its own words, when and if it needs the thing.
 */
public final class StartupWarmup {
    private StartupWarmup() {
    }

    /**
     * Starts the work on a daemon thread (it never holds the process up).
     *
     * @param kernelBtf also read the kernel's BTF from sysfs (not when the user gives it as a file: the
     *                  command line is not parsed yet)
     */
    public static void start(boolean kernelBtf) {
        Thread t = new Thread(() -> run(kernelBtf), "pkttrace-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run(boolean kernelBtf) {
        try {
            NativeBpf.get();
        } catch (PkttraceException | RuntimeException | LinkageError e) {
            // the main thread meets it again and says what to do
        }
        try {
            if (kernelBtf && java.nio.file.Files.isReadable(Btf.vmlinuxPath())) {
                Btf.vmlinux();
                DropReasons.fromKernel();
            }
        } catch (IOException | RuntimeException e) {
            // likewise: the probe that needs the BTF reports it
        }
    }
}
