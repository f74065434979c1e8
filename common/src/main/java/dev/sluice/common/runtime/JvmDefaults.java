package dev.sluice.common.runtime;

/**
 * JVM settings Sluice needs before anything else runs. On a machine with 2 cores the common ForkJoinPool has a
 * parallelism of 1, and then every {@code CompletableFuture.*Async} call without an executor, including ones inside
 * the JDK's HTTP client, starts a brand-new thread: thousands per second under load. A parallelism of at least 4
 * gives those calls a real pool. Call first thing in {@code main}, before the pool exists.
 */
public final class JvmDefaults {

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private JvmDefaults() {
    }

    public static void apply() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            int cores = Runtime.getRuntime().availableProcessors();
            System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(4, cores - 1)));
        }
    }
}
