package io.pkttrace.plugins.sinks.pcapng;

import io.pkttrace.api.PacketEvent;

/**
 * The comment of each packet block, what Wireshark shows under "Packet comments" and tshark as
 * {@code frame.comment}: what the packet itself does not say. Fields are separated by "; ", e.g.
 * {@code netpath tx; netns ptns-a (4026532177); packet 0xffff888012345600; drop NETFILTER_DROP},
 * {@code netfilter filter/INPUT; ...; verdict ip filter INPUT DROP (rule 4)} or, for a traced
 * function, {@code vrouter function vr_fabric_input entry; ...}. Built into one reused builder: no
 * allocation per packet.
 */
final class PacketComment {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String[] CALLS = {null, "entry", "return", "return-missed"};

    private final StringBuilder sb = new StringBuilder(256);

    /** The comment of {@code e}; valid until the next call. */
    CharSequence of(PacketEvent e) {
        sb.setLength(0);
        text(e.probe(), "?");
        sb.append(' ');
        if (e.call() != PacketEvent.CALL_NONE && e.call() < CALLS.length) {
            sb.append("function ").append(e.hook()).append(' ').append(CALLS[e.call()]);
            if (e.call() == PacketEvent.CALL_RETURN && e.hasReturnValue()) {
                sb.append(" = ").append(e.returnValue());
                if (e.returnValueName() != null) {
                    sb.append(" (").append(e.returnValueName()).append(')');
                }
            }
        } else {
            text(e.hook(), "?");
        }
        sb.append("; netns ");
        if (e.netnsName() != null) {
            sb.append(e.netnsName()).append(" (").append(e.netnsInode()).append(')');
        } else {
            sb.append(e.netnsInode());
        }
        if (e.packetId() != 0) {
            sb.append("; packet ");
            hex(e.packetId());
        }
        if (e.dropReason() >= 0) {
            sb.append("; drop ");
            if (e.dropReasonName() != null) {
                sb.append(e.dropReasonName());
            } else {
                sb.append(e.dropReason());
            }
        }
        if (e.nfVerdict() != null) {
            sb.append("; verdict ");
            if (e.nfFamily() != null) {
                sb.append(e.nfFamily()).append(' ');
            }
            text(e.nfTable(), "-");
            sb.append(' ');
            text(e.nfChain(), "-");
            sb.append(' ').append(e.nfVerdict());
            if (e.nfTarget() != null) {
                sb.append(' ').append(e.nfTarget());
            }
            if (e.nfPolicy()) {
                sb.append(" (policy)");
            } else if (e.nfRuleHandle() >= 0) {
                sb.append(" (rule ").append(e.nfRuleHandle()).append(')');
            }
        }
        if (e.packetBytesLength() == 0) {
            sb.append("; no packet bytes");
        }
        return sb;
    }

    private void text(String s, String unset) {
        sb.append(s != null ? s : unset);
    }

    private void hex(long v) {
        sb.append("0x");
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (v >>> shift) & 0xf]);
        }
    }
}
