/**
 * The pkttrace extension API. Third-party plugins compile against this package only (with
 * {@code provided} scope) and contribute factories for the four extension points:
 * {@link io.pkttrace.api.ProbeFactory}, {@link io.pkttrace.api.FilterFactory},
 * {@link io.pkttrace.api.EnricherFactory} and {@link io.pkttrace.api.SinkFactory}, and commands
 * ({@link io.pkttrace.api.CommandPreset}). A factory declares its options once
 * ({@link io.pkttrace.api.OptionSet}, {@link io.pkttrace.api.Option}), with their command-line short
 * forms ({@link io.pkttrace.api.ShortForm}) and the commands that use it by default
 * ({@link io.pkttrace.api.DefaultUse}).
 *
 * <p>Data flows one way: probe (kernel ring buffer, or a user-space {@link io.pkttrace.api.EventSource})
 * -> kernel filter -> decode -> filters -> enrichers -> sinks. All pipeline stages run on the engine's
 * single consumer thread, so components need no locking; events are reused between records and must be
 * {@link io.pkttrace.api.PacketEvent#copy() copied} by anyone who keeps them. A component that throws
 * is isolated: reported by name, counted, disabled after repeated failures; the others go on.
 */
package io.pkttrace.api;
