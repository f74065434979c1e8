package dev.sluice.api.problems;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one request, bounded: after {@link #LIMIT} the rest are only counted, and every value a
 * problem echoes back is cut to {@link #ECHO_LIMIT} characters. A hostile body (a batch of {@code "messages":[0,0,…]})
 * therefore costs a few kilobytes of answer, not one problem per input byte.
 */
public final class FieldProblems {

    public static final int LIMIT = 100;
    static final int ECHO_LIMIT = 64;

    private final List<FieldProblem> kept = new ArrayList<>();
    private int total;

    public void add(String field, String message) {
        total++;
        if (kept.size() < LIMIT) {
            kept.add(new FieldProblem(cut(field, 4 * ECHO_LIMIT), message));
        }
    }

    public void addAll(FieldProblems other) {
        for (FieldProblem problem : other.kept) {
            add(problem.field(), problem.message());
        }
        total += other.total - other.kept.size();
    }

    public boolean isEmpty() {
        return total == 0;
    }

    public int total() {
        return total;
    }

    /** The kept problems, and one more entry saying how many were left out, if any. */
    public List<FieldProblem> list() {
        if (total <= kept.size()) {
            return List.copyOf(kept);
        }
        List<FieldProblem> all = new ArrayList<>(kept);
        all.add(new FieldProblem("$", "… and " + (total - kept.size()) + " more problems not listed"));
        return List.copyOf(all);
    }

    /** A caller's value as a problem may quote it: at most {@link #ECHO_LIMIT} characters, control characters escaped. */
    public static String echo(String value) {
        return cut(value, ECHO_LIMIT);
    }

    private static String cut(String value, int limit) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), limit) + 8);
        int shown = 0;
        for (int i = 0; i < value.length() && shown < limit; i++, shown++) {
            char c = value.charAt(i);
            if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("…(").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
