package io.pkttrace.core.engine;

/** A source whose plugin code (a decoder, a user-space source) is isolated by a {@link Guard}. */
abstract class GuardedSource implements Source {
    protected final Guard guard;

    GuardedSource(Guard guard) {
        this.guard = guard;
    }

    @Override
    public String name() {
        return guard.name();
    }

    Guard guard() {
        return guard;
    }
}
