package io.pkttrace.api;

import java.nio.ByteBuffer;

/** Turns one ring-buffer record into an event, without allocating. */
@FunctionalInterface
public interface RecordDecoder {
    /**
     * @param buffer little-endian view of the ring; the record is at {@code [offset, offset+length)}
     * @param out    cleared event to fill
     * @return false to drop the record (e.g. malformed)
     */
    boolean decode(ByteBuffer buffer, int offset, int length, PacketEvent out);
}
