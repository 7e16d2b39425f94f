package io.pkttrace.api;

/**
 * A BPF ELF object opened by the engine (libbpf underneath). Closing it destroys all its links and
 * unloads its programs and maps.
 */
public interface BpfObject extends AutoCloseable {
    String name();

    /** Excludes a program from loading (e.g. a kprobe variant where a BTF tracepoint is used). */
    void setAutoload(String program, boolean autoload) throws PkttraceException;

    /** Loads programs into the kernel. Verifier rejections carry the verifier log in the message. */
    void load() throws PkttraceException;

    /** Attaches a program as its ELF section says (tp_btf/..., tracepoint/..., raw_tp/...). */
    Attachment attach(String program) throws PkttraceException;

    /** Attaches a kprobe-type program to a kernel function entry or return. */
    default Attachment attachKprobe(String program, String function, boolean onReturn) throws PkttraceException {
        return attachKprobe(program, function, onReturn, 0);
    }

    /** Like {@link #attachKprobe(String, String, boolean)}, with a cookie the program reads with bpf_get_attach_cookie. */
    Attachment attachKprobe(String program, String function, boolean onReturn, long cookie) throws PkttraceException;

    /**
     * Attaches a {@code kprobe.multi} program to many kernel functions through one link, each with its
     * cookie (kernels with CONFIG_FPROBE, 5.18 and later).
     */
    Attachment attachKprobeMulti(String program, java.util.List<String> functions, long[] cookies, boolean onReturn)
            throws PkttraceException;

    /**
     * Sets the kernel function a fentry/fexit program is verified for and attaches to; call before
     * {@link #load()} (trampoline programs are loaded for one function each).
     */
    void setAttachTarget(String program, String function) throws PkttraceException;

    /** Attaches a fentry/fexit program to the function set by {@link #setAttachTarget}, with a cookie. */
    Attachment attachTracing(String program, long cookie) throws PkttraceException;

    /** Attaches a kprobe-type program to a user-space function (uprobe/uretprobe); pid -1 for all. */
    Attachment attachUprobe(String program, String binary, String function, boolean onReturn, int pid)
            throws PkttraceException;

    /**
     * Attaches a kprobe-type program at a file offset of a binary (uprobe/uretprobe), with a cookie;
     * {@code label} names the place in messages (the function). pid -1 for every process running it.
     */
    Attachment attachUprobe(String program, String binary, long fileOffset, String label, boolean onReturn, int pid,
                            long cookie) throws PkttraceException;

    /**
     * Attaches a program of section {@code uprobe.multi} (or {@code uretprobe.multi}) to many places
     * of one binary through a single link, each with its cookie: attached and detached in one step
     * (Linux 6.6 and later). Fails with a clear message on older kernels, where such a program is
     * loaded as a classic uprobe instead and attaches with {@link #attachUprobe}.
     */
    Attachment attachUprobeMulti(String program, String binary, long[] fileOffsets, long[] cookies, boolean onReturn,
                                 int pid) throws PkttraceException;

    /**
     * Attaches a program of section {@code netfilter} (BPF_PROG_TYPE_NETFILTER, kernel >= 6.4) to a
     * netfilter hook of the network namespace the calling thread is in, through a BPF link.
     *
     * @param protocolFamily NFPROTO_IPV4 (2) or NFPROTO_IPV6 (10)
     * @param hook           NF_INET_PRE_ROUTING (0) ... NF_INET_POST_ROUTING (4)
     * @param priority       position among the hook's functions (lower runs first); not INT_MIN or INT_MAX.
     *                       The kernel allows one BPF program per priority at a hook: when another holds
     *                       it, the next free priority above is taken (up to 64 above); the attachment's
     *                       target names the priority used.
     */
    Attachment attachNetfilter(String program, int protocolFamily, int hook, int priority) throws PkttraceException;

    /** Destroys one link made by an attach method; the others stay. Idempotent. */
    void detach(Attachment attachment);

    /**
     * Makes this object use {@code owner}'s map of the same name instead of creating its own, so that
     * several objects (e.g. one per fentry target) share ring buffer, counters and state; before
     * {@link #load()}, with {@code owner} loaded.
     */
    void shareMap(String map, BpfObject owner) throws PkttraceException;

    /** The sums over all CPUs of the first {@code count} u64 slots of a per-CPU array map. */
    long[] perCpuCounters(String map, int count) throws PkttraceException;

    /**
     * The file descriptor of a loaded program, for attachments the engine does not make itself (e.g. a
     * socket filter set with SO_ATTACH_BPF). It stays owned by this object: do not close it.
     */
    int programFd(String program) throws PkttraceException;

    /** Writes one map element (key and value in the kernel's layout, little-endian). */
    void updateMap(String map, byte[] key, byte[] value) throws PkttraceException;

    /** True if the object defines a map of that name. */
    boolean hasMap(String map);

    /** Destroys every link (newest first); maps stay readable so remaining records can be drained. Idempotent. */
    void detach();

    /** Destroys links, unloads programs and maps. Idempotent, never throws. */
    @Override
    void close();

    /** One attached program: what it is attached to and by which mechanism. */
    record Attachment(String program, String mechanism, String target) {
        @Override
        public String toString() {
            return program + " -> " + mechanism + ":" + target;
        }
    }
}
