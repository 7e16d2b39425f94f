package io.pkttrace.broken;

import io.pkttrace.api.Options;
import io.pkttrace.api.Sink;
import io.pkttrace.api.SinkFactory;
import org.pf4j.Extension;

/** Cannot be created: its constructor throws. */
@Extension
public final class BrokenSinkFactory implements SinkFactory<Object> {
    public BrokenSinkFactory() {
        throw new IllegalStateException("licence file /etc/broken.lic is missing");
    }

    @Override
    public String type() {
        return "broken";
    }

    @Override
    public String description() {
        return "never";
    }

    @Override
    public Object configure(Options options) {
        return "";
    }

    @Override
    public Sink create(Object config) {
        return e -> { };
    }
}
