package io.pkttrace.plugins.netpath.stacked;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.netns.Namespaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The taps' socket filter is loaded only once a stacked device needs it (StackedDeviceIT: when one does). */
class StackedRxTapsTest {
    @TempDir
    Path tmp;

    @Test
    void withoutStackedDevicesTheFilterIsNeverLoaded() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        List<String> reported = new ArrayList<>();
        // No named namespace and no process: no namespace, so no stacked device.
        StackedRxTaps taps = new StackedRxTaps(new Namespaces(tmp.resolve("netns"), tmp), reported::add);
        try {
            taps.begin();
            taps.attach(() -> {
                loads.incrementAndGet();
                return -1;
            });
            assertEquals(List.of(), taps.tapped());
            Thread.sleep(StackedRxTaps.RESCAN_MS + 200); // a rescan finds nothing either
        } finally {
            taps.close();
        }
        assertEquals(0, loads.get(), "loaded for no device");
        assertEquals(List.of(), reported);
    }
}
