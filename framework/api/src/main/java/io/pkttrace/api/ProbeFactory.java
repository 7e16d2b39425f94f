package io.pkttrace.api;

/**
 * Extension point for probes: plugins annotate an implementation with {@code @Extension} and
 * users select it by {@link #type()}.
 *
 * @param <C> the typed config
 */
public interface ProbeFactory<C> extends ComponentFactory<C, Probe> {
    /**
     * How each hook of a probe made from {@code config} attaches on a kernel with {@code kernel}'s
     * features, and why not by the better mechanisms. The probe's {@link Probe#start} must follow this
     * same decision (it gets the features from {@link ProbeContext#kernel()}), so that
     * {@code pkttrace doctor} says what a run does. Must not touch the kernel beyond asking {@code kernel}.
     *
     * @param config a config from {@link #configure}, or null when the probe cannot be configured without
     *               the user's options (then answer for each kind of target it can have)
     * @return one choice per hook; empty when the probe does not declare its choice (doctor then prints a
     *         generic line)
     */
    default java.util.List<MechanismChoice> mechanisms(C config, KernelSupport kernel) {
        return java.util.List.of();
    }
}
