package io.pkttrace.it;

/** Traffic on the loopback device, for tests that trace it. */
final class Loopback {
    private Loopback() {
    }

    /** {@code ping} of 127.0.0.1, {@code count} echoes {@code interval} seconds apart; destroy it when done. */
    static Process ping(int count, String interval) throws java.io.IOException {
        return new ProcessBuilder("ping", "-q", "-c", Integer.toString(count), "-i", interval, "127.0.0.1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }
}
