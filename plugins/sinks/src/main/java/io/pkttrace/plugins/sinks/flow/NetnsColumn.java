package io.pkttrace.plugins.sinks.flow;

import io.pkttrace.plugins.sinks.TextBuffer;

/**
 * The namespace column of the path printout, "[4026532281 (client)]" or "[4026532281]", kept ready as
 * text for the few namespaces a host's packets cross: every hop line prints one, and its width is needed
 * before. A small direct-mapped table by inode; an entry is its inode and the very name string the
 * enricher gave (compared by identity, so a renamed namespace is formatted again). Entries reuse their
 * buffers: a miss formats again but, once the buffers have grown, allocates nothing.
 */
final class NetnsColumn {
    private static final int SLOTS = 16;

    /** One namespace's column text and its length in chars. */
    static final class Text {
        private long inode;
        private String name;
        private boolean used;
        private final TextBuffer text = new TextBuffer(32);
        private int chars;

        TextBuffer text() {
            return text;
        }

        int chars() {
            return chars;
        }
    }

    private final Text[] slots = new Text[SLOTS];

    NetnsColumn() {
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Text();
        }
    }

    /** The column of namespace {@code inode} named {@code name} (valid until the next call with another). */
    Text of(long inode, String name) {
        Text t = slots[(int) (inode ^ inode >>> 32) & (SLOTS - 1)];
        if (!t.used || t.inode != inode || t.name != name) {
            t.used = true;
            t.inode = inode;
            t.name = name;
            t.text.setLength(0);
            t.text.append('[').append(inode);
            if (name != null) {
                t.text.append(" (").append(name).append(')');
            }
            t.text.append(']');
            t.chars = 2 + TextBuffer.decimalLength(inode) + (name == null ? 0 : name.length() + 3);
        }
        return t;
    }
}
