package dev.sluice.devstack.cli;

/** A command-line argument that a devstack command cannot use; the message names the option at fault. */
public final class OptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public OptionException(String message) {
        super(message);
    }
}
