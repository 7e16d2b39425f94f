package io.pkttrace.broken;

import org.pf4j.Extension;

/** Cannot be created: its constructor throws. */
@Extension
public final class BrokenSinkFactory extends FineSinkFactory {
    public BrokenSinkFactory() {
        throw new IllegalStateException("licence file /etc/broken.lic is missing");
    }
}
