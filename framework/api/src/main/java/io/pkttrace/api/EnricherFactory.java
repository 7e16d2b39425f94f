package io.pkttrace.api;

/**
 * Extension point for enrichers: plugins annotate an implementation with {@code @Extension} and
 * users select it by {@link #type()}.
 *
 * @param <C> the typed config
 */
public interface EnricherFactory<C> extends ComponentFactory<C, Enricher> {
}
