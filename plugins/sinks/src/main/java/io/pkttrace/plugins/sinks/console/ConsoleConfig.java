package io.pkttrace.plugins.sinks.console;

/**
 * @param timestamps print a leading column with milliseconds since the first event
 */
public record ConsoleConfig(boolean timestamps) {
}
