package dev.sluice.common.health;

/**
 * Something worth showing on {@code /ready} that does not make the process unready, such as an upstream key that
 * is paused because its quota ran out: the process is fine, its jobs wait, and an operator should see why.
 */
public interface ReadinessDetail {

    String name();

    String describe();
}
