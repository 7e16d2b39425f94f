package io.pkttrace.api;

import org.pf4j.ExtensionPoint;

/**
 * A stateless factory: turns user options into a typed, validated config, then into a component.
 * {@link #configure(Options)} must detect every config error and must not touch the kernel or the
 * file system beyond reading; {@link #create(Object)} builds the component from a valid config.
 *
 * @param <C> the factory's typed config
 * @param <T> the component it creates
 */
public interface ComponentFactory<C, T> extends ExtensionPoint {
    /** The name users give on the command line, e.g. {@code netpath} or {@code console}. */
    String type();

    /** One line for {@code pkttrace plugins}. */
    String description();

    /** Option keys and what they mean, for {@code pkttrace plugins}; empty when there are none. */
    default java.util.Map<String, String> optionHelp() {
        return java.util.Map.of();
    }

    /** Parses and validates options. Throws {@link ConfigException} with one clear line on bad input. */
    C configure(Options options) throws ConfigException;

    /** Creates the component from a config that {@link #configure(Options)} returned. */
    T create(C config) throws PkttraceException;
}
