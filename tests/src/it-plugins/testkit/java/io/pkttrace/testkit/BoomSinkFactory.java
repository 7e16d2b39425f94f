package io.pkttrace.testkit;

import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.pf4j.Extension;

/** {@code --sink boom}: throws on every event. */
@Extension
public final class BoomSinkFactory implements SinkFactory<Object> {
    @Override
    public String type() {
        return "boom";
    }

    @Override
    public String description() {
        return "test sink: throws on every event";
    }

    @Override
    public Object configure(Options options) {
        return "";
    }

    @Override
    public Sink create(Object config) {
        AtomicInteger n = new AtomicInteger();
        return e -> {
            throw new IllegalStateException("boom on event " + n.incrementAndGet());
        };
    }
}
