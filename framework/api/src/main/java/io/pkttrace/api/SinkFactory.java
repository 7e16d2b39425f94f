package io.pkttrace.api;

/**
 * Extension point for sinks: plugins annotate an implementation with {@code @Extension} and
 * users select it by {@link #type()}.
 *
 * @param <C> the typed config
 */
public interface SinkFactory<C> extends ComponentFactory<C, Sink> {
}
