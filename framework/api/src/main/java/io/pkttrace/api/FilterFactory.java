package io.pkttrace.api;

/**
 * Extension point for filters: plugins annotate an implementation with {@code @Extension} and
 * users select it by {@link #type()}.
 *
 * @param <C> the typed config
 */
public interface FilterFactory<C> extends ComponentFactory<C, Filter> {
}
