package io.pkttrace.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads a file for parsing: only regular files (a FIFO or a device would block or never end). */
final class FileBytes {
    /** Mapping is capped where a ByteBuffer's int offsets end. */
    private static final long MAX = Integer.MAX_VALUE;
    private static final int READ_CHUNK = 64 << 10;

    private FileBytes() {
    }

    static ByteBuffer map(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new MalformedFileException(file + " is not a regular file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX) {
                throw new MalformedFileException(file + " is larger than 2 GiB");
            }
            // sysfs files (/sys/kernel/btf/*) report a size but cannot be mapped: read them, a chunk at a
            // time: NIO reads into a heap buffer through a temporary direct buffer as large as the read
            // (5.5 MB for vmlinux, kept by the thread), which would add its size to the process's memory.
            if (file.startsWith("/sys/")) {
                ByteBuffer b = ByteBuffer.allocate((int) size);
                int got;
                do {
                    got = ch.read(b.slice(b.position(), Math.min(READ_CHUNK, b.remaining())));
                    b.position(b.position() + Math.max(got, 0));
                } while (got > 0 && b.hasRemaining());
                return b.flip();
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }
}
