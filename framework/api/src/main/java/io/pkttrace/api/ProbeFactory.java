package io.pkttrace.api;

/**
 * Extension point for probes: plugins annotate an implementation with {@code @Extension} and
 * users select it by {@link #type()}.
 *
 * @param <C> the typed config
 */
public interface ProbeFactory<C> extends ComponentFactory<C, Probe> {
}
