package io.pkttrace.core.engine;

/**
 * A component with the name messages give it, e.g. {@code sink json} or {@code filter fivetuple (-a)}.
 *
 * @param name  as in {@link io.pkttrace.api.Options#component()}
 * @param value the component
 */
public record Named<T>(String name, T value) {
}
