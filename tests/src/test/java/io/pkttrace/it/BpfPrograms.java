package io.pkttrace.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * pkttrace's BPF programs (named pt_) that no process holds: what an ended or killed pkttrace would
 * have leaked. Other tests' running pkttraces hold theirs, so this holds while they run too (unlike a
 * global count of pt_ programs).
 */
final class BpfPrograms {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BpfPrograms() {
    }

    /** The orphans left after waiting up to 3 s (the kernel frees a program after its last reference goes). */
    static List<String> awaitNoOrphans() throws IOException, InterruptedException {
        List<String> orphans = orphans();
        for (int i = 0; i < 30 && !orphans.isEmpty(); i++) {
            Thread.sleep(100);
            orphans = orphans();
        }
        return orphans;
    }

    /** "id name" of each pt_ program that no process holds a file descriptor of (the program's or a link's). */
    static List<String> orphans() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bpftool", "-j", "prog", "show").redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor();
        Set<String> held = heldProgramIds();
        List<String> orphans = new ArrayList<>();
        for (JsonNode prog : JSON.readTree(out)) {
            if (prog.path("name").asText().startsWith("pt_") && !held.contains(prog.path("id").asText())) {
                orphans.add(prog.path("id").asText() + " " + prog.path("name").asText());
            }
        }
        return orphans;
    }

    /**
     * The ids of the programs some process holds: the fdinfo of a program's and of a link's file
     * descriptor names it ("prog_id:"). Read after the program list, so a program loaded in between
     * is not taken for an orphan; one unloaded in between is, until the next look (bpftool here is
     * built without its pids column).
     */
    private static Set<String> heldProgramIds() throws IOException {
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fdinfo"))) {
                    for (Path fd : fds) {
                        for (String line : Files.readAllLines(fd)) {
                            if (line.startsWith("prog_id:")) {
                                ids.add(line.substring("prog_id:".length()).strip());
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process or the descriptor is gone
                }
            }
        }
        return ids;
    }
}
