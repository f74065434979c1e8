package dev.sluice.worker.budget;

/**
 * Whose budget: an upstream (a named key or deployment; limits belong to the account, so a rotated key keeps its
 * budget) and a model, since OpenAI's limits are per model.
 */
record BudgetKey(String upstream, String model) {

    /** The Redis hash; the braces keep both parts in one cluster slot. */
    String redisKey() {
        return "sluice:budget:{" + upstream + ":" + model + "}";
    }
}
