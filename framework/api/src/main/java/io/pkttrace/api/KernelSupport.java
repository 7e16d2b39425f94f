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

    /**
     * A kernel assumed to have exactly {@code present}, each other feature absent because of {@code why}:
     * for tests of a probe's mechanism choice.
     */
    static KernelSupport assuming(java.util.Set<KernelFeature> present, String why) {
        java.util.Set<KernelFeature> has = java.util.Set.copyOf(present);
        return new KernelSupport() {
            @Override
            public boolean has(KernelFeature feature) {
                return has.contains(feature);
            }

            @Override
            public String whyNot(KernelFeature feature) {
                return has.contains(feature) ? null : why;
            }
        };
    }
}
