package dev.sluice.common.health;

/**
 * Who may see {@code /ready}'s checks and details (database errors, a paused key's reason) rather than only its
 * status. The api answers: a request that sent the admin token. A process without one shows them to everyone.
 */
@FunctionalInterface
public interface ReadinessAudience {

    /** Asked while the current request is being served. */
    boolean maySeeDetail();
}
