package dev.sluice.common.models;

/**
 * The Redis set of model names the workers' upstream targets serve: each worker adds its targets' models (configured,
 * or listed by the upstream's free {@code GET /models}), and the api refuses a job for any other model.
 */
public final class ServedModelsKey {

    public static final String REDIS_KEY = "sluice:served-models";

    private ServedModelsKey() {
    }
}
