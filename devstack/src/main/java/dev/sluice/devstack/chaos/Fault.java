package dev.sluice.devstack.chaos;

import dev.sluice.devstack.cli.OptionException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The faults {@code ./sluice chaos} injects, by the name {@code --faults} uses, with how the table labels them. */
enum Fault {
    OUTAGE("outage", "upstream outage (every call 503)"),
    ERRORS("errors", "10 % 500s + 2 % dropped connections"),
    STALLS("stalls", "1 % of calls stall past the worker's timeout"),
    KILL("kill", "worker SIGKILLed, a fresh one started"),
    TERM("term", "worker SIGTERMed, a fresh one started"),
    REDIS("redis", "Redis unreachable from the worker (its proxy cut)"),
    POSTGRES("postgres", "PostgreSQL unreachable from the worker (its proxy cut)");

    private final String optionName;
    private final String description;

    Fault(String optionName, String description) {
        this.optionName = optionName;
        this.description = description;
    }

    static Fault named(String name) {
        return Arrays.stream(values()).filter(fault -> fault.optionName.equals(name)).findFirst()
                .orElseThrow(() -> new OptionException("unknown fault '" + name + "' in --faults; use "
                        + Arrays.stream(values()).map(Fault::optionName).collect(Collectors.joining(", "))));
    }

    String optionName() {
        return optionName;
    }

    String description() {
        return description;
    }
}
