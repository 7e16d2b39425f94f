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

    /** One place's key, its columns ("[ns]  ifname  hook  ", paddings included), and their length without trailing spaces. */
    private static final class Entry {
        long inode;
        String netnsName;
        String ifname;
        String hook;
        /** The three widths, 21 bits each. */
        long widths = -1;
        final TextBuffer columns = new TextBuffer(64);
        int trimmed;
    }

    /** The very string, as live events carry it, or equal text (a replayed recording's strings are new each event). */
    private static boolean same(String cached, String s) {
        return cached == s || (cached != null && cached.equals(s));
    }

    private final Entry[] slots = new Entry[SLOTS];
    private final Entry unkeyed = new Entry();

    PlaceColumns() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Entry();
        }
    }

    /**
     * Appends the columns of a hop in namespace {@code inode} named {@code netnsName} (its text from
     * {@code namespaces}) at interface {@code ifname} and hook {@code hook} (both already "-" when
     * missing), padded to the widths given, each followed by two spaces; without the trailing spaces
     * when {@code lineEnds} (nothing follows on the line).
     */
    void append(NetnsColumn namespaces, long inode, String netnsName, String ifname, String hook,
            int nsWidth, int ifWidth, int hookWidth, boolean lineEnds, TextBuffer out) {
        long widths = (long) nsWidth << 42 | (long) ifWidth << 21 | hookWidth;
        // Names of two million chars (a crafted recording) do not fit the key: formatted every time.
        boolean keyed = (nsWidth | ifWidth | hookWidth) >>> 21 == 0;
        long h = (inode ^ widths) * 0x9E3779B97F4A7C15L + ifname.hashCode() * 31L + hook.hashCode();
        Entry t = keyed ? slots[(int) (h ^ h >>> 29) & (SLOTS - 1)] : unkeyed;
        if (!keyed || t.widths != widths || t.inode != inode || !same(t.netnsName, netnsName)
                || !same(t.ifname, ifname) || !same(t.hook, hook)) {
            t.inode = inode;
            t.netnsName = netnsName;
            t.ifname = ifname;
            t.hook = hook;
            t.widths = widths;
            NetnsColumn.Text ns = namespaces.of(inode, netnsName);
            TextBuffer c = t.columns;
            c.setLength(0);
            c.append(ns.text()).repeat(' ', nsWidth - ns.chars()).append("  ");
            c.append(ifname).repeat(' ', ifWidth - ifname.length()).append("  ");
            c.append(hook).repeat(' ', hookWidth - hook.length()).append("  ");
            int full = c.length();
            c.trimTrailingSpace(0);
            t.trimmed = c.length();
            c.setLength(full);
        }
        out.append(t.columns, lineEnds ? t.trimmed : t.columns.length());
    }
}
