package io.pkttrace.plugins.netpath.stacked;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The rtnetlink messages of a link dump: the RTM_GETLINK request, and the RTM_NEWLINK answers read
 * back into {@link Link}s (index, IFLA_IFNAME, IFLA_LINKINFO/IFLA_INFO_KIND). Bounds-checked: a
 * malformed message ends the parse with an exception, never reads outside the datagram.
 */
final class LinkMessages {
    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int RTM_NEWLINK = 16;
    static final int RTM_GETLINK = 18;
    static final int NLM_F_REQUEST = 1;
    static final int NLM_F_MULTI = 2;
    static final int NLM_F_DUMP = 0x300;
    static final int IFINFOMSG_LEN = 16;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_EXT_MASK = 29;
    static final int IFLA_INFO_KIND = 1;
    /** Leave out per-device statistics: the dump is then ~5x smaller. */
    static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    private static final int NLA_TYPE_MASK = 0x3fff;

    /** What a datagram held: the links, and whether the dump is complete. */
    enum Outcome { MORE, DONE }

    private LinkMessages() {
    }

    /** The RTM_GETLINK dump request (nlmsghdr, ifinfomsg, IFLA_EXT_MASK), in native byte order. */
    static ByteBuffer dumpRequest(int seq) {
        int len = NLMSG_HDRLEN + IFINFOMSG_LEN + 8;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) RTM_GETLINK).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(seq).putInt(0);
        b.put((byte) 0).put((byte) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0); // ifinfomsg: any family, any device
        b.putShort((short) 8).putShort((short) IFLA_EXT_MASK).putInt(RTEXT_FILTER_SKIP_STATS);
        return b.flip();
    }

    /**
     * Reads one datagram of the dump answering {@code seq} (position 0, limit its length) and adds
     * its links to {@code out}.
     *
     * @throws IllegalArgumentException if a message is malformed or the kernel answered with an error
     */
    static Outcome parse(ByteBuffer datagram, int seq, List<Link> out) {
        ByteBuffer b = datagram.duplicate().order(ByteOrder.nativeOrder());
        int end = b.limit();
        int at = b.position();
        while (end - at >= NLMSG_HDRLEN) {
            int len = b.getInt(at);
            int type = b.getShort(at + 4) & 0xffff;
            int mseq = b.getInt(at + 8);
            if (len < NLMSG_HDRLEN || len > end - at) {
                throw new IllegalArgumentException("netlink message of length " + len + " at " + at + " in a datagram of " + end);
            }
            if (mseq == seq) {
                if (type == NLMSG_DONE) {
                    return Outcome.DONE;
                }
                if (type == NLMSG_ERROR) {
                    int err = len >= NLMSG_HDRLEN + 4 ? -b.getInt(at + NLMSG_HDRLEN) : 0;
                    throw new IllegalArgumentException("the kernel refused the link dump (errno " + err + ")");
                }
                if (type == RTM_NEWLINK) {
                    out.add(link(b, at, len));
                }
            }
            at += align(len);
        }
        return Outcome.MORE;
    }

    private static Link link(ByteBuffer b, int at, int len) {
        if (len < NLMSG_HDRLEN + IFINFOMSG_LEN) {
            throw new IllegalArgumentException("RTM_NEWLINK message too short: " + len);
        }
        int ifindex = b.getInt(at + NLMSG_HDRLEN + 4);
        String name = "";
        String kind = "";
        int end = at + len;
        for (int a = at + NLMSG_HDRLEN + IFINFOMSG_LEN; end - a >= 4; ) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & NLA_TYPE_MASK;
            if (alen < 4 || alen > end - a) {
                throw new IllegalArgumentException("attribute of length " + alen + " overruns its message");
            }
            if (atype == IFLA_IFNAME) {
                name = string(b, a + 4, alen - 4);
            } else if (atype == IFLA_LINKINFO) {
                kind = nestedKind(b, a + 4, a + alen);
            }
            a += align(alen);
        }
        return new Link(ifindex, name, kind);
    }

    private static String nestedKind(ByteBuffer b, int from, int end) {
        for (int a = from; end - a >= 4; ) {
            int alen = b.getShort(a) & 0xffff;
            int atype = b.getShort(a + 2) & NLA_TYPE_MASK;
            if (alen < 4 || alen > end - a) {
                throw new IllegalArgumentException("nested attribute of length " + alen + " overruns IFLA_LINKINFO");
            }
            if (atype == IFLA_INFO_KIND) {
                return string(b, a + 4, alen - 4);
            }
            a += align(alen);
        }
        return "";
    }

    /** A NUL-terminated (or full-length) string attribute payload. */
    private static String string(ByteBuffer b, int from, int max) {
        int n = 0;
        while (n < max && b.get(from + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int align(int len) {
        return (len + 3) & ~3;
    }
}
