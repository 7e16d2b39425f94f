package io.pkttrace.plugins.sinks.flow;

/**
 * Entries in order of their last activity, least recent first, threaded through the entries themselves
 * ({@link Node}): making one the youngest or removing it changes a few references and allocates
 * nothing. The open packets and the reply matcher's tuples are kept in one each, so the idle check and
 * eviction look at the oldest only.
 */
final class ActivityList<T extends ActivityList.Node<T>> {
    /** An entry's links; null while it is in no list. */
    abstract static class Node<T> {
        T older;
        T younger;
    }

    private T oldest;
    private T youngest;

    /** The least recently active entry, or null. */
    T oldest() {
        return oldest;
    }

    /** Adds {@code n} (in no list) as the youngest. */
    void addYoungest(T n) {
        n.older = youngest;
        n.younger = null;
        if (youngest != null) {
            youngest.younger = n;
        } else {
            oldest = n;
        }
        youngest = n;
    }

    /** Makes the listed {@code n} the youngest. */
    void touch(T n) {
        if (n != youngest) {
            remove(n);
            addYoungest(n);
        }
    }

    void remove(T n) {
        if (n.older != null) {
            n.older.younger = n.younger;
        } else {
            oldest = n.younger;
        }
        if (n.younger != null) {
            n.younger.older = n.older;
        } else {
            youngest = n.older;
        }
        n.older = null;
        n.younger = null;
    }
}
