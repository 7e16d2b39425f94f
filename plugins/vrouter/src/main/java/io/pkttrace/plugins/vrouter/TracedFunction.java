package io.pkttrace.plugins.vrouter;

import java.util.List;

/**
 * A function the probe attaches to.
 *
 * @param id        its id: the attach cookie and the index of pt_vr_funcs
 * @param name      its symbol
 * @param offsets   file offsets of its definitions in a program (uprobes); empty for the kernel
 * @param packetArg the argument holding the packet, -1 when it has none (its events belong to the
 *                  call it nests in)
 * @param levels    1 for {@code struct vr_packet *}, 2 for {@code struct vr_packet **}
 * @param returns   what it returns
 * @param hasBtf    the target's BTF describes it (fentry needs that)
 * @param how       how the packet argument was found, for the report
 */
record TracedFunction(int id, String name, List<Long> offsets, int packetArg, int levels, ReturnKind returns,
                      boolean hasBtf, String how) {
}
