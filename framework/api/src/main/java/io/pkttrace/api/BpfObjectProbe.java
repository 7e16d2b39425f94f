package io.pkttrace.api;

/**
 * A probe built on one BPF object, the common case: {@link #start} opens, loads and attaches it and
 * keeps it in {@link #object}; {@link #stop()} detaches it (its ring buffer is still drained) and
 * {@link #close()} frees it.
 */
public abstract class BpfObjectProbe implements Probe {
    /** The probe's object while it runs; null before {@link #start} and after {@link #close()}. */
    protected BpfObject object;

    @Override
    public void stop() {
        if (object != null) {
            object.detach();
        }
    }

    @Override
    public void close() {
        if (object != null) {
            object.close();
            object = null;
        }
    }
}
