package io.pkttrace.it;

/** Traffic on the loopback device, for tests that trace it. */
final class Loopback {
    private Loopback() {
    }

    /**
     * {@code ping} of 127.0.0.1, an echo every {@code interval} seconds for two minutes: traffic that
     * surely outlasts a pkttrace's start on a slow machine (the test destroys it when done; bounded all
     * the same if it does not).
     */
    static Process ping(String interval) throws java.io.IOException {
        return ping((int) Math.ceil(120 / Double.parseDouble(interval)), interval);
    }

    /** {@code ping} of 127.0.0.1, {@code count} echoes {@code interval} seconds apart; destroy it when done. */
    static Process ping(int count, String interval) throws java.io.IOException {
        return new ProcessBuilder("ping", "-q", "-c", Integer.toString(count), "-i", interval, "127.0.0.1")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
    }
}
