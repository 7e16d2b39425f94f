package io.pkttrace.core.engine;

import io.pkttrace.api.ConfigException;
import io.pkttrace.api.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses component selections from the command line: {@code TYPE} or {@code TYPE:key=value,key=value}.
 * A comma-separated piece without '=' continues the previous value, so {@code netpath:hooks=tx,rx}
 * means hooks = "tx,rx".
 */
public final class ComponentSpecs {
    private ComponentSpecs() {
    }

    public static TraceSpec.Component parse(String kind, String spec) throws ConfigException {
        if (spec == null || spec.isBlank()) {
            throw new ConfigException("empty " + kind + " name", "give a " + kind + " type (see pkttrace plugins)");
        }
        int colon = spec.indexOf(':');
        String type = colon < 0 ? spec : spec.substring(0, colon);
        List<String> items = new ArrayList<>();
        if (colon >= 0) {
            for (String piece : spec.substring(colon + 1).split(",")) {
                if (piece.contains("=") || items.isEmpty()) {
                    items.add(piece);
                } else {
                    items.set(items.size() - 1, items.get(items.size() - 1) + "," + piece);
                }
            }
        }
        if (type.isBlank()) {
            throw new ConfigException("'" + spec + "' names no " + kind, "write TYPE or TYPE:key=value");
        }
        return new TraceSpec.Component(type, Options.parse(kind + " " + type, items));
    }

    public static List<TraceSpec.Component> parseAll(String kind, List<String> specs) throws ConfigException {
        List<TraceSpec.Component> out = new ArrayList<>();
        for (String s : specs) {
            out.add(parse(kind, s));
        }
        return out;
    }
}
