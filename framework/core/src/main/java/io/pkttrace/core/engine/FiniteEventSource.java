package io.pkttrace.core.engine;

import io.pkttrace.api.EventSource;

/** A source with an end, such as a recording being replayed: the run ends when it is exhausted. */
public interface FiniteEventSource extends EventSource {
    /** True once every event was handed over. */
    boolean exhausted();
}
