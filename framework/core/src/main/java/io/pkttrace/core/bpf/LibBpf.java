package io.pkttrace.core.bpf;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/** The part of libbpf 1.x (libbpf.so.1) that pkttrace calls, bound with jnr-ffi. */
public interface LibBpf {
    /** libbpf's print callback; {@code args} is a va_list, formatted with libc's vsnprintf. */
    interface PrintFn {
        @Delegate
        int print(int level, Pointer format, Pointer args);
    }

    Pointer libbpf_set_print(PrintFn fn);

    @SaveError
    Pointer bpf_object__open_mem(Pointer buf, @size_t long size, Pointer opts);

    @SaveError
    int bpf_object__load(Pointer obj);

    void bpf_object__close(Pointer obj);

    Pointer bpf_object__find_program_by_name(Pointer obj, String name);

    Pointer bpf_object__next_program(Pointer obj, Pointer prev);

    Pointer bpf_object__find_map_by_name(Pointer obj, String name);

    String bpf_program__name(Pointer prog);

    String bpf_program__section_name(Pointer prog);

    int bpf_program__set_autoload(Pointer prog, boolean autoload);

    int bpf_program__type(Pointer prog);

    int bpf_program__set_type(Pointer prog, int type);

    int bpf_program__set_expected_attach_type(Pointer prog, int type);

    boolean bpf_program__autoload(Pointer prog);

    int bpf_program__fd(Pointer prog);

    int bpf_program__set_log_buf(Pointer prog, Pointer buf, @size_t long size);

    @SaveError
    Pointer bpf_program__attach(Pointer prog);

    @SaveError
    Pointer bpf_program__attach_kprobe(Pointer prog, boolean retprobe, String function);

    @SaveError
    Pointer bpf_program__attach_uprobe_opts(Pointer prog, int pid, String binaryPath, @size_t long offset,
                                            Pointer opts);

    @SaveError
    Pointer bpf_program__attach_kprobe_opts(Pointer prog, String function, Pointer opts);

    @SaveError
    Pointer bpf_program__attach_kprobe_multi_opts(Pointer prog, String pattern, Pointer opts);

    @SaveError
    Pointer bpf_program__attach_trace_opts(Pointer prog, Pointer opts);

    @SaveError
    int bpf_program__set_attach_target(Pointer prog, int attachProgFd, String attachFuncName);

    @SaveError
    int bpf_map__reuse_fd(Pointer map, int fd);

    int bpf_link__destroy(Pointer link);

    /**
     * Runs a loaded program once on given input (BPF_PROG_TEST_RUN); {@code opts} is a
     * {@code struct bpf_test_run_opts} (see {@link LibbpfObject#testRun}). Returns 0 or a negative errno.
     */
    @SaveError
    int bpf_prog_test_run_opts(int progFd, Pointer opts);

    int bpf_map__fd(Pointer map);

    int bpf_map__set_max_entries(Pointer map, int maxEntries);

    /** The initial contents of a global data section's map (.rodata, .data); before load. */
    int bpf_map__set_initial_value(Pointer map, Pointer data, @size_t long size);

    int bpf_map__max_entries(Pointer map);

    @SaveError
    int bpf_map_update_elem(int fd, Pointer key, Pointer value, long flags);

    @SaveError
    int bpf_map_lookup_elem(int fd, Pointer key, Pointer value);

    int libbpf_num_possible_cpus();

    /** 1 when the kernel supports the map type, 0 when not, a negative errno when it cannot tell. */
    int libbpf_probe_bpf_map_type(int mapType, Pointer opts);

    int libbpf_strerror(int err, Pointer buf, @size_t long size);
}
