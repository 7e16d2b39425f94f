package io.pkttrace.plugins.sinks.html;

import io.pkttrace.plugins.sinks.OutputTarget;

/**
 * Configuration of the html sink.
 *
 * @param output     the page's file (or standard output)
 * @param maxPackets packets drawn; further packets are counted and the page says so
 * @param maxHops    hops kept per packet; further hops are only counted
 */
public record HtmlConfig(OutputTarget output, int maxPackets, int maxHops) {
    public static final int DEFAULT_MAX_PACKETS = 200;
    public static final int DEFAULT_MAX_HOPS = 64;
}
