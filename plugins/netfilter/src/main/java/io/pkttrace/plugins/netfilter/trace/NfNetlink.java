package io.pkttrace.plugins.netfilter.trace;

/**
 * Kernel UAPI numbers of nfnetlink and nf_tables tracing (include/uapi/linux/netfilter/nf_tables.h,
 * nfnetlink.h, netfilter.h). Stable ABI; {@code NfNetlinkConstantsTest} checks each against the
 * running kernel's BTF, so a typo cannot survive.
 */
public final class NfNetlink {
    private NfNetlink() {
    }

    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    public static final int NLA_TYPE_MASK = 0x3fff;

    public static final int NFNLGRP_NFTABLES = 7;
    public static final int NFNLGRP_NFTRACE = 9;
    public static final int NFNL_SUBSYS_NFTABLES = 10;

    // enum nf_tables_msg_types
    public static final int NFT_MSG_NEWTABLE = 0;
    public static final int NFT_MSG_DELTABLE = 2;
    public static final int NFT_MSG_NEWGEN = 15;
    public static final int NFT_MSG_TRACE = 17;

    // enum nft_trace_attributes
    public static final int NFTA_TRACE_TABLE = 1;
    public static final int NFTA_TRACE_CHAIN = 2;
    public static final int NFTA_TRACE_RULE_HANDLE = 3;
    public static final int NFTA_TRACE_TYPE = 4;
    public static final int NFTA_TRACE_VERDICT = 5;
    public static final int NFTA_TRACE_ID = 6;
    public static final int NFTA_TRACE_LL_HEADER = 7;
    public static final int NFTA_TRACE_NETWORK_HEADER = 8;
    public static final int NFTA_TRACE_TRANSPORT_HEADER = 9;
    public static final int NFTA_TRACE_IIF = 10;
    public static final int NFTA_TRACE_OIF = 12;
    public static final int NFTA_TRACE_MARK = 14;
    public static final int NFTA_TRACE_NFPROTO = 15;
    public static final int NFTA_TRACE_POLICY = 16;

    // enum nft_verdict_attributes
    public static final int NFTA_VERDICT_CODE = 1;
    public static final int NFTA_VERDICT_CHAIN = 2;

    // enum nft_table_attributes
    public static final int NFTA_TABLE_NAME = 1;

    // enum nft_trace_types
    public static final int NFT_TRACETYPE_POLICY = 1;
    public static final int NFT_TRACETYPE_RETURN = 2;
    public static final int NFT_TRACETYPE_RULE = 3;

    // netfilter verdicts (uapi/linux/netfilter.h) and nf_tables' own (enum nft_verdicts)
    public static final int NF_DROP = 0;
    public static final int NF_ACCEPT = 1;
    public static final int NF_STOLEN = 2;
    public static final int NF_QUEUE = 3;
    public static final int NF_REPEAT = 4;
    public static final int NF_STOP = 5;
    public static final int NF_VERDICT_MASK = 0xff;
    public static final int NFT_CONTINUE = -1;
    public static final int NFT_BREAK = -2;
    public static final int NFT_JUMP = -3;
    public static final int NFT_GOTO = -4;
    public static final int NFT_RETURN = -5;

    // protocol families (NFPROTO_*)
    public static final int NFPROTO_INET = 1;
    public static final int NFPROTO_IPV4 = 2;
    public static final int NFPROTO_ARP = 3;
    public static final int NFPROTO_NETDEV = 5;
    public static final int NFPROTO_BRIDGE = 7;
    public static final int NFPROTO_IPV6 = 10;

    // enum nf_inet_hooks
    public static final int NF_INET_PRE_ROUTING = 0;
    public static final int NF_INET_LOCAL_IN = 1;
    public static final int NF_INET_FORWARD = 2;
    public static final int NF_INET_LOCAL_OUT = 3;
    public static final int NF_INET_POST_ROUTING = 4;

    /** Hook names as nft spells them, indexed by enum nf_inet_hooks. */
    private static final String[] HOOKS = {"prerouting", "input", "forward", "output", "postrouting"};

    public static String hookName(int hook) {
        return hook >= 0 && hook < HOOKS.length ? HOOKS[hook] : "hook" + hook;
    }

    /** The hook number of an nft hook name, or -1. */
    public static int hookNumber(String name) {
        for (int i = 0; i < HOOKS.length; i++) {
            if (HOOKS[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** nft's name of a table family (nfgenmsg.nfgen_family). */
    public static String familyName(int nfproto) {
        return switch (nfproto) {
            case NFPROTO_INET -> "inet";
            case NFPROTO_IPV4 -> "ip";
            case NFPROTO_ARP -> "arp";
            case NFPROTO_NETDEV -> "netdev";
            case NFPROTO_BRIDGE -> "bridge";
            case NFPROTO_IPV6 -> "ip6";
            default -> "family" + nfproto;
        };
    }

    /**
     * The verdict as the user reads it: ACCEPT, DROP, STOLEN, QUEUE, REPEAT, STOP, CONTINUE, JUMP,
     * GOTO, RETURN (REJECT is a DROP by a reject statement, decided with the rule's text).
     */
    public static String verdictName(int code) {
        if (code < 0) {
            return switch (code) {
                case NFT_CONTINUE, NFT_BREAK -> "CONTINUE";
                case NFT_JUMP -> "JUMP";
                case NFT_GOTO -> "GOTO";
                case NFT_RETURN -> "RETURN";
                default -> "VERDICT" + code;
            };
        }
        return switch (code & NF_VERDICT_MASK) {
            case NF_DROP -> "DROP";
            case NF_ACCEPT -> "ACCEPT";
            case NF_STOLEN -> "STOLEN";
            case NF_QUEUE -> "QUEUE";
            case NF_REPEAT -> "REPEAT";
            case NF_STOP -> "STOP";
            default -> "VERDICT" + (code & NF_VERDICT_MASK);
        };
    }
}
