package io.pkttrace.plugins.bench;

/**
 * What the synthetic probe traces.
 *
 * @param pid     process (thread group) whose system calls become events; > 0
 * @param syscall system call number to keep, or {@link #ANY_SYSCALL} for every call of that process
 */
public record SyntheticConfig(int pid, int syscall) {
    public static final int ANY_SYSCALL = -1;

    public SyntheticConfig {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive");
        }
        if (syscall < ANY_SYSCALL) {
            throw new IllegalArgumentException("syscall must be a number >= 0 or ANY_SYSCALL");
        }
    }
}
