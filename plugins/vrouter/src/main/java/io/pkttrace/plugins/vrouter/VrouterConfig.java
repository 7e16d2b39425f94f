package io.pkttrace.plugins.vrouter;

/**
 * The vrouter probe's validated configuration.
 *
 * @param symbols    the functions to trace, as the symbol file lists them
 * @param target     the datapath, its types, its vr_packet layout and its symbols
 * @param matchOuter the kernel filter matches a tunnelled packet's outer tuple instead of its inner one
 */
record VrouterConfig(SymbolFile symbols, TargetInfo target, boolean matchOuter) {
}
