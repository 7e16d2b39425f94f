package io.pkttrace.api;

/** Adds information to events (names for numbers); should cache its lookups. */
public interface Enricher extends Component {
    /** Fills in fields of the event. Called on the consumer thread for every kept event. */
    void enrich(PacketEvent event);
}
