package io.pkttrace.topology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One process across its whole life: its pid alone is not enough, the kernel reuses pids. The start
 * time (in clock ticks since boot, field 22 of /proc/PID/stat) tells a reused pid apart, the boot id a
 * record of an earlier boot, the pid namespace a pid that means another process in another container.
 *
 * @param pid       the process id, as this pid namespace numbers it
 * @param startTime its start time in clock ticks after boot
 * @param bootId    /proc/sys/kernel/random/boot_id when it ran
 * @param pidNs     the inode of its pid namespace
 */
public record ProcessIdentity(long pid, long startTime, String bootId, long pidNs) {
    /** This process. */
    public static ProcessIdentity current() {
        long pid = ProcessHandle.current().pid();
        return new ProcessIdentity(pid, startTime(pid), currentBootId(), currentPidNamespace());
    }

    /**
     * False only when this process is certainly gone: same boot and pid namespace, and no process with
     * that pid and start time. When that cannot be judged it may run, and what it made is left alone.
     */
    public boolean mayRun() {
        if (!bootId.equals(currentBootId())) {
            return false; // every process of an earlier boot is gone
        }
        if (pidNs != currentPidNamespace() || pidNs == 0) {
            return true; // its pid means nothing here
        }
        long now = startTime(pid);
        return now != 0 && now == startTime;
    }

    String toRecord() {
        return "pid=" + pid + "\nstart=" + startTime + "\nboot=" + bootId + "\npidns=" + pidNs + "\n";
    }

    /** The identity in a record's fields, or null when they are incomplete. */
    static ProcessIdentity parse(Map<String, String> fields) {
        try {
            String boot = fields.get("boot");
            if (boot == null || boot.isEmpty()) {
                return null;
            }
            return new ProcessIdentity(Long.parseLong(fields.get("pid")), Long.parseLong(fields.get("start")), boot,
                    Long.parseLong(fields.get("pidns")));
        } catch (NumberFormatException e) {
            return null; // a null field is a NumberFormatException too
        }
    }

    /** Start time of a running process, or 0 when no such process runs. */
    static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces and ')': count after the last one.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(after[19]); // field 22 overall; after[0] is field 3
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String currentBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long currentPidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.length() - 1));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
