package io.pkttrace.broken;

import io.pkttrace.api.Options;
import io.pkttrace.api.PacketEvent;
import io.pkttrace.api.RunStats;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import org.pf4j.Extension;

/** {@code --sink fine}: counts events, prints the count at the end. */
@Extension
public class FineSinkFactory implements SinkFactory<Object> {
    @Override
    public String type() {
        return "fine";
    }

    @Override
    public String description() {
        return "counts events";
    }

    @Override
    public Object configure(Options options) {
        return "";
    }

    @Override
    public Sink create(Object config) {
        return new Sink() {
            private long n;

            @Override
            public void accept(PacketEvent e) {
                n++;
            }

            @Override
            public void finish(RunStats stats) {
                System.out.println("fine: " + n + " events");
            }
        };
    }
}
