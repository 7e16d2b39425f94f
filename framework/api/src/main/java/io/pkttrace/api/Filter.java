package io.pkttrace.api;

import java.util.Optional;

/** Decides which events continue down the pipeline. */
public interface Filter extends Component {
    /** True to keep the event. Called on the consumer thread for every decoded event. */
    boolean test(PacketEvent event);

    /**
     * Rules the engine may push into the kernel so that probes drop non-matching packets before a
     * ring-buffer record is reserved. {@link #test(PacketEvent)} must agree with them: the engine still
     * runs {@code test} for probes that cannot evaluate them in BPF.
     */
    default Optional<TupleRules> kernelRules() {
        return Optional.empty();
    }
}
