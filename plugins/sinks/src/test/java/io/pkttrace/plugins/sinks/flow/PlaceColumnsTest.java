package io.pkttrace.plugins.sinks.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.plugins.sinks.TextBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kept columns are always what formatting them afresh gives: places that share a slot, names equal
 * but not the same string, a namespace renamed, widths that change, and names too long for the key.
 */
class PlaceColumnsTest {
    @Test
    void sameTextAsFormattedAfresh() {
        Random r = new Random(11);
        PlaceColumns places = new PlaceColumns();
        NetnsColumn namespaces = new NetnsColumn();
        String[] netnsNames = {null, "client", "router", "sérveur\u0007", "renamed"};
        String[] ifnames = {"-", "eth0", "veth1", "a-long-ifname15", "tést"};
        String[] hooks = {"tx", "rx", "drop", "sys_enter", "-"};
        for (int i = 0; i < 200_000; i++) {
            long inode = 4026531840L + r.nextInt(300); // more places than slots: evictions and collisions
            String netnsName = netnsNames[r.nextInt(netnsNames.length)];
            String ifname = ifnames[r.nextInt(ifnames.length)];
            if (r.nextInt(4) == 0) {
                ifname = new String(ifname); // equal text, another string (a replayed recording)
            }
            String hook = hooks[r.nextInt(hooks.length)];
            int nsWidth = namespaces.of(inode, netnsName).chars() + r.nextInt(3);
            int ifWidth = ifname.length() + r.nextInt(3);
            int hookWidth = hook.length() + r.nextInt(3);
            boolean lineEnds = r.nextBoolean();
            TextBuffer got = new TextBuffer(8).append("x ");
            places.append(namespaces, inode, netnsName, ifname, hook, nsWidth, ifWidth, hookWidth, lineEnds, got);
            assertEquals("x " + afresh(inode, netnsName, ifname, hook, nsWidth, ifWidth, hookWidth, lineEnds),
                    got.toString(), "place " + i);
        }
    }

    @Test
    void namesTooLongForTheKeyAreFormattedEveryTime() {
        PlaceColumns places = new PlaceColumns();
        NetnsColumn namespaces = new NetnsColumn();
        String longName = "n".repeat(1 << 21);
        for (int width : new int[] {1 << 21, (1 << 21) + 2, 1 << 21}) {
            TextBuffer got = new TextBuffer(8);
            places.append(namespaces, 7, null, longName, "tx", 3, width, 2, false, got);
            assertEquals(afresh(7, null, longName, "tx", 3, width, 2, false), got.toString());
        }
    }

    /** The columns as the path printout formatted them before they were kept. */
    private static String afresh(long inode, String netnsName, String ifname, String hook, int nsWidth, int ifWidth,
            int hookWidth, boolean lineEnds) {
        TextBuffer ns = new TextBuffer(32).append('[').append(inode);
        if (netnsName != null) {
            ns.append(" (").append(netnsName).append(')');
        }
        int nsChars = ("[" + inode + (netnsName == null ? "" : " (" + netnsName + ")") + "]").length();
        TextBuffer t = new TextBuffer(64).append(ns.append(']')).repeat(' ', nsWidth - nsChars).append("  ");
        t.append(ifname).repeat(' ', ifWidth - ifname.length()).append("  ");
        t.append(hook).repeat(' ', hookWidth - hook.length()).append("  ");
        if (lineEnds) {
            t.trimTrailingSpace(0);
        }
        return t.toString();
    }
}
