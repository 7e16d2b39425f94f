package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.api.PacketEvent;
import java.io.IOException;
import java.util.Arrays;

/**
 * The capture's interfaces: one per (network namespace, device) in the order the events first show
 * them, named "namespace/device" where the namespace is its name under /run/netns or, without one, its
 * inode, and the device is "-" for events without one (a locally generated packet before routing, a
 * traced function without a device). Looking one up does not allocate; a new one is written to the
 * file before its first packet.
 */
final class Interfaces {
    private final PcapngWriter writer;
    private final int snapLength;
    private long[] netns = new long[16];
    private int[] ifindex = new int[16];
    private String[] ifname = new String[16];
    private int count;
    private int last = -1;

    Interfaces(PcapngWriter writer, int snapLength) {
        this.writer = writer;
        this.snapLength = snapLength;
    }

    /** The interface id of the event's (namespace, device), written first if new. */
    int of(PacketEvent e) throws IOException {
        long ns = e.netnsInode();
        int index = e.ifname() == null ? 0 : e.ifindex();
        String name = e.ifname();
        if (last >= 0 && matches(last, ns, index, name)) {
            return last;
        }
        for (int i = 0; i < count; i++) {
            if (matches(i, ns, index, name)) {
                return last = i;
            }
        }
        return last = add(e, ns, index, name);
    }

    private boolean matches(int i, long ns, int index, String name) {
        return netns[i] == ns && ifindex[i] == index && (name == null ? ifname[i] == null : name.equals(ifname[i]));
    }

    private int add(PacketEvent e, long ns, int index, String name) throws IOException {
        if (count == netns.length) {
            netns = Arrays.copyOf(netns, count * 2);
            ifindex = Arrays.copyOf(ifindex, count * 2);
            ifname = Arrays.copyOf(ifname, count * 2);
        }
        netns[count] = ns;
        ifindex[count] = index;
        ifname[count] = name;
        String space = e.netnsName() != null ? e.netnsName() : Long.toString(ns);
        String description = "netns " + ns + (e.netnsName() != null ? " (" + e.netnsName() + ")" : "")
                + (name != null ? ", " + name + " (ifindex " + index + ")" : ", no device");
        writer.interfaceDescription(PcapngWriter.LINKTYPE_RAW, snapLength, space + "/" + (name != null ? name : "-"), description);
        return count++;
    }
}
