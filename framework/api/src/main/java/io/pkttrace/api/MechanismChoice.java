package io.pkttrace.api;

import java.util.List;

/**
 * How one hook of a probe attaches on a given kernel, and why not by the better mechanisms: the
 * decision a probe makes in {@link Probe#start} and {@code pkttrace doctor} shows, from one source
 * ({@link ProbeFactory#mechanisms}).
 *
 * @param hook      the hook or part of the probe, e.g. {@code tx} or {@code kernel-module functions}
 * @param mechanism what it attaches as, e.g. {@code tp_btf/net_dev_queue}; null when nothing works here
 * @param why       why this mechanism (or, without one, what follows for the user)
 * @param notUsed   each better mechanism that is not used, with why ("fentry/fexit: EPERM when loading")
 * @param essential the probe cannot run without this hook; a non-essential one is left out (and said so)
 */
public record MechanismChoice(String hook, String mechanism, String why, List<String> notUsed, boolean essential) {
    public MechanismChoice {
        notUsed = List.copyOf(notUsed);
    }

    /** A hook that attaches as {@code mechanism}. */
    public static MechanismChoice uses(String hook, String mechanism, String why, List<String> notUsed) {
        return new MechanismChoice(hook, mechanism, why, notUsed, true);
    }

    /** A hook that cannot attach on this kernel; {@code why} says what follows for the user. */
    public static MechanismChoice none(String hook, String why, List<String> notUsed, boolean essential) {
        return new MechanismChoice(hook, null, why, notUsed, essential);
    }

    /** The same choice, marked as a part the probe can run without. */
    public MechanismChoice optional() {
        return new MechanismChoice(hook, mechanism, why, notUsed, false);
    }

    public boolean available() {
        return mechanism != null;
    }

    /** The better mechanisms not used, as one clause ("; not X: why; not Y: why"), or "". */
    public String notUsedClause() {
        return notUsed.isEmpty() ? "" : "; not " + String.join("; not ", notUsed);
    }

    /**
     * True when a probe with these choices can run: every essential hook has a mechanism and at least
     * one hook has.
     */
    public static boolean runnable(List<MechanismChoice> choices) {
        return choices.stream().anyMatch(MechanismChoice::available)
                && choices.stream().allMatch(c -> c.available() || !c.essential());
    }

    /** The choice for {@code hook}; fails loudly when the probe's decision does not name it. */
    public static MechanismChoice of(List<MechanismChoice> choices, String hook) {
        return choices.stream().filter(c -> c.hook().equals(hook)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mechanism choice for hook '" + hook + "'"));
    }

    /** The common case of a hook that is a BTF tracepoint and nothing else. */
    public static MechanismChoice tpBtf(String hook, String tracepoint, String why, KernelSupport kernel) {
        return kernel.has(KernelFeature.TP_BTF) ? uses(hook, "tp_btf/" + tracepoint, why, List.of())
                : none(hook, "it attaches as a BTF tracepoint only", List.of(kernel.notUsedBecause(KernelFeature.TP_BTF)), true);
    }

    /** For {@link Probe#start}: fails, naming the first essential hook that cannot attach and why, unless all can. */
    public static void requireRunnable(String probe, List<MechanismChoice> choices) throws PkttraceException {
        for (MechanismChoice c : choices) {
            if (!c.available() && c.essential()) {
                throw new PkttraceException(probe + ": " + c.hook() + " cannot attach on this kernel: " + c.why()
                        + c.notUsedClause(), "see pkttrace doctor");
            }
        }
    }
}
