package io.pkttrace.it;

import io.pkttrace.core.testing.KernelTestSupport;
import io.pkttrace.topology.DemoTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that share one client -- router -- server topology per test class, always removed. */
abstract class WithDemoTopology {
    static DemoTopology topo;

    @BeforeAll
    static void createTopology() throws Exception {
        KernelTestSupport.requireBpf();
        topo = DemoTopology.create();
    }

    @AfterAll
    static void removeTopology() {
        if (topo != null) {
            topo.close();
            topo = null;
        }
    }
}
