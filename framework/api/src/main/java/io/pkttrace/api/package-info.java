/**
 * The pkttrace extension API. Third-party plugins compile against this package only (with
 * {@code provided} scope) and contribute factories for the four extension points:
 * {@link io.pkttrace.api.ProbeFactory}, {@link io.pkttrace.api.FilterFactory},
 * {@link io.pkttrace.api.EnricherFactory} and {@link io.pkttrace.api.SinkFactory}.
 *
 * <p>Data flows one way: probe (kernel) -> kernel filter -> ring buffer -> decode -> filters ->
 * enrichers -> sinks. All pipeline stages run on the engine's single consumer thread, so components
 * need no locking; events are reused between records and must be {@link
 * io.pkttrace.api.PacketEvent#copy() copied} by anyone who keeps them.
 */
package io.pkttrace.api;
