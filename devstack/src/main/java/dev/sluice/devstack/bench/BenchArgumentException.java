package dev.sluice.devstack.bench;

/** A command-line argument that {@code ./sluice bench} cannot use; the message names the option. */
final class BenchArgumentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    BenchArgumentException(String message) {
        super(message);
    }
}
