package dev.sluice.devstack.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The command-line options of a devstack command ({@code bench}, {@code chaos}, {@code dlq}, {@code simulator}), read
 * one way for all of them: {@code --name=value} or {@code --name value}, names from the command's fixed set, switches
 * (a name alone, such as {@code --all}) and operands (arguments without {@code --}) only where the command accepts
 * them. The command reads each value by type with its own default. A bad argument throws {@link OptionException}
 * with a message that names the option, and {@link #orExit} turns that into exit code 2.
 */
public final class Options {

    private final Map<String, String> values;
    private final Set<String> switches;
    private final List<String> operands;

    private Options(Map<String, String> values, Set<String> switches, List<String> operands) {
        this.values = values;
        this.switches = switches;
        this.operands = operands;
    }

    /** Whether the arguments ask for the help text: {@code --help} or {@code -h} anywhere. */
    public static boolean asksForHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    public static boolean asksForHelp(String[] args) {
        return asksForHelp(List.of(args));
    }

    /** Reads options that each take a value, named in {@code names}; nothing else is accepted. */
    public static Options parse(List<String> args, Set<String> names) {
        return parse(args, names, Set.of(), false);
    }

    public static Options parse(String[] args, Set<String> names) {
        return parse(List.of(args), names);
    }

    /**
     * Reads options that take a value ({@code names}), switches that take none ({@code switchNames}) and, when
     * {@code operandsAllowed}, operands. A later value of the same option replaces an earlier one.
     */
    public static Options parse(List<String> args, Set<String> names, Set<String> switchNames,
                                boolean operandsAllowed) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> switches = new HashSet<>();
        List<String> operands = new ArrayList<>();
        for (int index = 0; index < args.size(); index++) {
            String arg = args.get(index);
            if (!arg.startsWith("--")) {
                if (!operandsAllowed) {
                    throw new OptionException("expected --name=value, got '" + arg + "'");
                }
                operands.add(arg);
                continue;
            }
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(2, equals) : arg.substring(2);
            if (switchNames.contains(name)) {
                if (equals > 0) {
                    throw new OptionException("--" + name + " takes no value, got '" + arg + "'");
                }
                switches.add(name);
            } else if (!names.contains(name)) {
                throw new OptionException("unknown option --" + name);
            } else if (equals > 0) {
                values.put(name, arg.substring(equals + 1));
            } else if (index + 1 < args.size() && !args.get(index + 1).startsWith("--")) {
                values.put(name, args.get(++index));
            } else {
                throw new OptionException("--" + name + " needs a value (--name=value)");
            }
        }
        return new Options(values, switches, List.copyOf(operands));
    }

    /**
     * Runs {@code parse} and returns what it read; on a bad argument ({@link IllegalArgumentException}, which
     * includes {@link OptionException} and an options record's own checks) prints {@code sluice <command>: <message>}
     * and where the options are listed to {@code err}, then exits with code 2.
     */
    public static <T> T orExit(String command, PrintStream err, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            err.println("sluice " + command + ": " + e.getMessage());
            err.println("(./sluice " + command + " --help lists the options)");
            err.flush();
            System.exit(2);
            throw e; // not reached
        }
    }

    /** Whether the option or switch was given. */
    public boolean has(String name) {
        return values.containsKey(name) || switches.contains(name);
    }

    /** The arguments that are not options, in order. */
    public List<String> operands() {
        return operands;
    }

    /** The value as given, stripped. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip);
    }

    /** The value as given, stripped, or {@code otherwise}; never empty. */
    public String text(String name, String otherwise) {
        String text = text(name).orElse(otherwise);
        if (text.isEmpty()) {
            throw new OptionException("--" + name + " must not be empty");
        }
        return text;
    }

    /** A whole number from {@code min} to {@code max}; {@code _} may group digits ({@code 100_000}). */
    public long number(String name, long otherwise, long min, long max) {
        return optionalNumber(name, min, max).orElse(otherwise);
    }

    /** A whole number from {@code min} to {@code max} when given. */
    public OptionalLong optionalNumber(String name, long min, long max) {
        String text = values.get(name);
        return text == null ? OptionalLong.empty() : OptionalLong.of(parseNumber(name, text, min, max));
    }

    /** A whole number of at least 0 that fits an {@code int}. */
    public int count(String name, int otherwise) {
        return (int) number(name, otherwise, 0, Integer.MAX_VALUE);
    }

    /** A decimal number from {@code min} to {@code max}. */
    public double decimal(String name, double otherwise, double min, double max) {
        String text = values.get(name);
        if (text == null) {
            return otherwise;
        }
        double value;
        try {
            value = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new OptionException("--" + name + " must be a number, not '" + text + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new OptionException("--" + name + " must be from " + min + " to " + max + ", not " + text.strip());
        }
        return value;
    }

    /** {@code true} or {@code false}. */
    public boolean bool(String name, boolean otherwise) {
        String text = text(name).orElse(Boolean.toString(otherwise));
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new OptionException("--" + name + " must be true or false, not '" + text + "'");
        };
    }

    /** One of an enum's values, named in any case ({@code --token-count=characters}). */
    public <E extends Enum<E>> E choice(String name, E otherwise) {
        String text = text(name).orElse(null);
        if (text == null) {
            return otherwise;
        }
        for (E value : otherwise.getDeclaringClass().getEnumConstants()) {
            if (value.name().equalsIgnoreCase(text)) {
                return value;
            }
        }
        throw new OptionException("--" + name + " must be one of " + Arrays.stream(otherwise.getDeclaringClass()
                .getEnumConstants()).map(value -> value.name().toLowerCase(java.util.Locale.ROOT)).toList()
                + ", not '" + text + "'");
    }

    /** A comma-separated list, each item stripped, empty items dropped; given, it needs at least one item. */
    public List<String> list(String name, List<String> otherwise) {
        String text = values.get(name);
        if (text == null) {
            return otherwise;
        }
        List<String> items = Arrays.stream(text.split(",")).map(String::strip).filter(item -> !item.isEmpty())
                .toList();
        if (items.isEmpty()) {
            throw new OptionException("--" + name + " needs at least one value");
        }
        return items;
    }

    /** A comma-separated list of whole numbers of at least 0 that fit an {@code int}. */
    public List<Integer> counts(String name, List<Integer> otherwise) {
        if (!values.containsKey(name)) {
            return otherwise;
        }
        return list(name, List.of()).stream().map(item -> (int) parseNumber(name, item, 0, Integer.MAX_VALUE)).toList();
    }

    private static long parseNumber(String name, String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new OptionException("--" + name + " must be a whole number, not '" + text + "'");
        }
        if (value < min || value > max) {
            throw new OptionException("--" + name + " " + range(min, max) + ", not " + value);
        }
        return value;
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return min == 0 ? "must not be negative" : "must be at least " + min;
        }
        return "must be from " + min + " to " + max;
    }
}
