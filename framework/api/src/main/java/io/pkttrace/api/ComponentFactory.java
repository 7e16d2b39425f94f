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

    /**
     * The component's options, each declared once (key, type, default, range, help, short forms):
     * the engine checks the user's options against them before {@link #configure}, and help text and
     * {@code pkttrace plugins} come from them.
     */
    default OptionSet options() {
        return OptionSet.NONE;
    }

    /** Which commands use this component without the user naming it (e.g. a default sink). */
    default DefaultUse defaultUse() {
        return DefaultUse.NONE;
    }

    /**
     * Builds the typed config from options already checked against {@link #options()}: read them with
     * {@link Options#get(Option)}. Throws {@link ConfigException} with one clear line for what the
     * declaration cannot express (a combination of options, a file that does not exist).
     */
    C configure(Options options) throws ConfigException;

    /** Creates the component from a config that {@link #configure(Options)} returned. */
    T create(C config) throws PkttraceException;
}
