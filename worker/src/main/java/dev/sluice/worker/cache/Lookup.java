package dev.sluice.worker.cache;

import tools.jackson.databind.JsonNode;

/** What the cache says about a job before it goes upstream. */
public sealed interface Lookup {

    /** An earlier identical request's successful response: answer the job with it, no upstream call. */
    record Hit(JsonNode response) implements Lookup {
    }

    /** Go upstream. With a flight, this job leads: its success is stored and waiting followers read it. */
    record Miss(Flight flight) implements Lookup {
    }

    /** The single flight this job leads; null when the cache is off, opted out, or Redis failed (fail open). */
    record Flight(CacheKey key, String owner) {
    }
}
