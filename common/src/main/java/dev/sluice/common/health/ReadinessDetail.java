package dev.sluice.common.health;

/**
 * Something worth showing on {@code /ready}, such as an upstream key that is paused because its quota ran out: the
 * process is fine, its jobs wait, and an operator should see why. It makes the process unready only when
 * {@link #isHealthy()} says so (a thread the process cannot work without has died).
 */
public interface ReadinessDetail {

    String name();

    String describe();

    default boolean isHealthy() {
        return true;
    }
}
