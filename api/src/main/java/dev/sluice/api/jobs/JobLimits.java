package dev.sluice.api.jobs;

/**
 * The caps one job body is checked against (each configurable, see {@link ApiProperties}): OpenAI's own limits where
 * it has them (metadata: 16 pairs, keys of at most 64 characters, values of at most 512), and Sluice's elsewhere.
 */
record JobLimits(int maxTokens, int maxN, int maxMessages, int maxModelLength, int maxCustomIdLength,
                        int maxWebhookUrlLength) {

    public static final int METADATA_PAIRS = 16;
    public static final int METADATA_KEY_LENGTH = 64;
    public static final int METADATA_VALUE_LENGTH = 512;

    public static JobLimits of(ApiProperties properties) {
        return new JobLimits(properties.maxTokensCap(), properties.maxN(), properties.maxMessages(), 256,
                properties.maxCustomIdLength(), properties.maxWebhookUrlLength());
    }

    /** Defaults for tests and tools. */
    public static JobLimits defaults(int maxTokens) {
        return new JobLimits(maxTokens, 128, 2048, 256, 512, 2048);
    }
}
