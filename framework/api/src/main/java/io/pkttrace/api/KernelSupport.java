package io.pkttrace.api;

/**
 * What the running kernel and this process can do, as the engine found out by trying: the one input
 * of every probe's mechanism choice ({@link ProbeFactory#mechanisms}), used alike by the probe when it
 * starts and by {@code pkttrace doctor}.
 */
public interface KernelSupport {
    /** True when the feature was tried and works. */
    boolean has(KernelFeature feature);

    /** Why the feature cannot be used (one line, e.g. "not built in (CONFIG_KPROBES)"); null when {@link #has} is true. */
    String whyNot(KernelFeature feature);

    /** {@code "label: reason"} for a feature that is absent, for "why not" lists. */
    default String notUsedBecause(KernelFeature feature) {
        return feature.label() + ": " + whyNot(feature);
    }
}
