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
    Attachment attachKprobe(String program, String function, boolean onReturn) throws PkttraceException;

    /** Attaches a kprobe-type program to a user-space function (uprobe/uretprobe); pid -1 for all. */
    Attachment attachUprobe(String program, String binary, String function, boolean onReturn, int pid)
            throws PkttraceException;

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
