package io.pkttrace.testkit;

import io.pkttrace.api.Option;
import io.pkttrace.api.OptionSet;
import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.util.concurrent.locks.LockSupport;
import org.pf4j.Extension;

/** {@code --sink slow:ms=N}: takes N ms per event; {@code ms=0} blocks forever in its first accept. Says on stderr what happens to it. */
@Extension
public final class SlowSinkFactory implements SinkFactory<Long> {
    private static final OptionSet OPTIONS = new OptionSet();
    static final Option<Long> MS = OPTIONS.add(Option.number("ms", 0, 60_000, 1L, "milliseconds per event; 0 blocks forever"));

    @Override
    public String type() {
        return "slow";
    }

    @Override
    public String description() {
        return "test sink: slow, or blocked";
    }

    @Override
    public OptionSet options() {
        return OPTIONS;
    }

    @Override
    public Long configure(Options options) throws io.pkttrace.api.ConfigException {
        return options.get(MS);
    }

    @Override
    public Sink create(Long ms) {
        return new Sink() {
            private volatile boolean inAccept;
            private long events;

            @Override
            public void accept(PacketEvent e) {
                inAccept = true;
                events++;
                if (ms == 0) {
                    System.err.println("slow: blocked");
                    while (true) {
                        LockSupport.park();
                    }
                }
                LockSupport.parkNanos(ms * 1_000_000L);
                inAccept = false;
            }

            @Override
            public void finish(RunStats stats) {
                System.err.println(inAccept ? "slow: FINISH DURING ACCEPT" : "slow: finish after " + events + " events");
            }
        };
    }
}
