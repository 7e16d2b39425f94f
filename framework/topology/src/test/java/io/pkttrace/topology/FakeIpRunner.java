package io.pkttrace.topology;

import io.pkttrace.topology.CommandRunner.CommandFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stands in for iproute2 in unit tests: records every command, emulates {@code ip netns add/del}
 * with files in a temp dir, and fails commands matching a scripted predicate.
 */
class FakeIpRunner extends CommandRunner {
    final List<List<String>> commands = new ArrayList<>();
    private final Path root;
    private Predicate<List<String>> failWhen = argv -> false;
    private int failExit = 2;
    private String failStderr = "";
    private IOException startFailure;

    FakeIpRunner(Path root) {
        this.root = root;
    }

    /** Commands matching {@code when} exit {@code exit} with {@code stderr}. */
    FakeIpRunner failing(Predicate<List<String>> when, int exit, String stderr) {
        this.failWhen = when;
        this.failExit = exit;
        this.failStderr = stderr;
        return this;
    }

    /** Every command fails to start, as when the program is not installed. */
    FakeIpRunner notInstalled() {
        this.startFailure = new IOException("Cannot run program \"ip\": error=2, No such file or directory");
        return this;
    }

    @Override
    public Result tryRun(Duration timeout, List<String> argv) throws CommandFailedException {
        commands.add(List.copyOf(argv));
        if (startFailure != null) {
            throw CommandFailedException.notStarted(argv, startFailure);
        }
        if (failWhen.test(argv)) {
            return new Result(argv, failExit, "", failStderr);
        }
        try {
            if (argv.size() == 4 && argv.subList(0, 3).equals(List.of("ip", "netns", "add"))) {
                Files.createFile(root.resolve(argv.get(3)));
            } else if (argv.size() == 4 && argv.subList(0, 3).equals(List.of("ip", "netns", "del"))) {
                Files.delete(root.resolve(argv.get(3)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(argv, 0, "", "");
    }

    List<String> joined() {
        return commands.stream().map(c -> String.join(" ", c)).toList();
    }
}
