package io.pkttrace.core.ping;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Reports the socket inodes a process holds (links "socket:[N]" in /proc/PID/fd), polling until the
 * process exits: ping opens its sockets right at start, before its first packet.
 */
public final class SocketWatcher implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    public SocketWatcher(ProcessHandle process, LongConsumer onSocket) {
        Path fds = Path.of("/proc", Long.toString(process.pid()), "fd");
        thread = new Thread(() -> {
            while (!stop && process.isAlive()) {
                scan(fds, onSocket);
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "pkttrace-socket-watcher");
        thread.setDaemon(true);
        scan(fds, onSocket);
        thread.start();
    }

    static void scan(Path fds, LongConsumer onSocket) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fds)) {
            for (Path fd : s) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        onSocket.accept(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException e) {
                    // the fd closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
