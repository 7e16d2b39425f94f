package io.pkttrace.plugins.vrouter;

import java.nio.file.Path;

/**
 * Where the vrouter datapath runs: the kernel module, or a program file (a DPDK or user-space
 * vrouter), traced in every process running it or in one process.
 *
 * @param binary the program file (null for the kernel module)
 * @param pid    the one process to trace, or -1 for every process running {@code binary}
 * @param module the kernel module's name (null for a program)
 */
record Target(Path binary, int pid, String module) {
    static Target kernel(String module) {
        return new Target(null, -1, module);
    }

    static Target program(Path binary, int pid) {
        return new Target(binary, pid, null);
    }

    boolean isKernel() {
        return module != null;
    }

    /** How messages name it. */
    String describe() {
        if (isKernel()) {
            return "kernel module " + module;
        }
        return pid > 0 ? "process " + pid + " (" + binary + ")" : binary.toString();
    }
}
