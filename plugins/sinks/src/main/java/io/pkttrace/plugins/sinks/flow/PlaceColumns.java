package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.plugins.sinks.TextBuffer;

/**
 * The namespace, interface and hook columns of a hop line, padded to the packet's column widths, kept
 * ready as text: a host's packets pass few places, printed with few widths, and every hop line prints
 * one (appended as one copy instead of six appends and three paddings). A small direct-mapped table;
 * an entry is keyed by the namespace inode, its name, the interface and hook names (the very strings
 * live events carry: the decoder and the enricher reuse them; else equal text) and the three widths. Entries
 * reuse their buffers: a miss formats again but, once the buffers have grown, allocates nothing.
 */
final class PlaceColumns {
    private static final int SLOTS = 64;

    /** One place's columns: "[ns]  ifname  hook  " with the paddings, and the length without trailing spaces. */
    static final class Text {
        private long inode;
        private String netnsName;
        private String ifname;
        private String hook;
        private long widths = -1;
        private final TextBuffer text = new TextBuffer(64);
        private int trimmed;

        /** The columns, each followed by its padding and two spaces. */
        TextBuffer text() {
            return text;
        }

        /** Bytes of {@link #text()} up to its last char that is not a space. */
        int trimmed() {
            return trimmed;
        }
    }

    /** The very string, as live events carry it, or equal text (a replayed recording's strings are new each event). */
    private static boolean same(String cached, String s) {
        return cached == s || (cached != null && cached.equals(s));
    }

    private final Text[] slots = new Text[SLOTS];

    PlaceColumns() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Text();
        }
    }

    /**
     * The columns of a hop in namespace {@code inode} named {@code netnsName} (its text from {@code namespaces}) at interface
     * {@code ifname} and hook {@code hook} (both already "-" when missing), padded to the widths given
     * (valid until the next call with another place).
     */
    Text of(NetnsColumn namespaces, long inode, String netnsName, String ifname, String hook,
            int nsWidth, int ifWidth, int hookWidth) {
        long widths = (long) nsWidth << 42 | (long) ifWidth << 21 | hookWidth;
        long h = (inode ^ widths) * 0x9E3779B97F4A7C15L + ifname.hashCode() * 31L + hook.hashCode();
        Text t = slots[(int) (h ^ h >>> 29) & (SLOTS - 1)];
        if (t.widths != widths || t.inode != inode || !same(t.netnsName, netnsName) || !same(t.ifname, ifname)
                || !same(t.hook, hook)) {
            t.inode = inode;
            t.netnsName = netnsName;
            t.ifname = ifname;
            t.hook = hook;
            t.widths = widths;
            NetnsColumn.Text ns = namespaces.of(inode, netnsName);
            TextBuffer text = t.text;
            text.setLength(0);
            text.append(ns.text()).repeat(' ', nsWidth - ns.chars()).append("  ");
            text.append(ifname).repeat(' ', ifWidth - ifname.length()).append("  ");
            text.append(hook).repeat(' ', hookWidth - hook.length()).append("  ");
            int full = text.length();
            text.trimTrailingSpace(0);
            t.trimmed = text.length();
            text.setLength(full);
        }
        return t;
    }
}
