package io.pkttrace.core.engine;

import io.pkttrace.api.EventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Input from user-space sources only, e.g. a recording for {@code pkttrace replay}. */
final class SourcesInput implements PipelineInput {
    private final List<Named<EventSource>> given;

    SourcesInput(List<Named<EventSource>> given) {
        this.given = List.copyOf(given);
    }

    @Override
    public List<Source> open(Consumer<String> reporter) {
        List<Source> out = new ArrayList<>();
        for (Named<EventSource> s : given) {
            out.add(new UserSource(s.value(), new Guard(s.name(), reporter)));
        }
        return out;
    }

    @Override
    public void stopIntake() {
    }

    @Override
    public void close(boolean consumerStuck) {
    }
}
