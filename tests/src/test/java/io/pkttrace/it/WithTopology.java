package io.pkttrace.it;

import io.pkttrace.topology.Topology;
import io.pkttrace.core.testing.KernelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that build namespaces of their own: one empty topology per test class, always removed. */
abstract class WithTopology {
    static Topology topo;

    @BeforeAll
    static void createTopology() {
        KernelTestSupport.requireBpf();
        topo = Topology.create();
    }

    @AfterAll
    static void removeTopology() {
        if (topo != null) {
            topo.close();
            topo = null;
        }
    }
}
