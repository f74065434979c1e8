package dev.sluice.devstack.architecture;

import dev.sluice.common.jobs.JobStatus;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the status changes a SQL file makes on {@code jobs}: for an {@code update jobs set status = X ... where ...
 * status in (...)}, every status its guard accepts paired with every status it may set ({@code X} may be a
 * {@code case} with several). A statement it cannot read is an error, never an empty answer, so a new shape of SQL
 * makes the test that uses it fail instead of passing unchecked.
 */
final class SqlTransitions {

    /** One move a statement can make; {@code source} names the file. */
    record Transition(String source, JobStatus from, JobStatus to) {
        boolean isAllowed() {
            return from.canMoveTo(to);
        }

        @Override
        public String toString() {
            return source + ": " + from.wireName() + " → " + to.wireName();
        }
    }

    /** What one file does to {@code jobs.status}: the moves its updates make, the statuses its inserts write. */
    record Found(List<Transition> transitions, Set<JobStatus> inserted) {
    }

    private static final Pattern UPDATE_JOBS = Pattern.compile("^update\\s+jobs\\b(.*)$", Pattern.DOTALL);
    private static final Pattern INSERT_JOBS = Pattern.compile("^insert\\s+into\\s+jobs\\s*\\(", Pattern.DOTALL);
    private static final Pattern SET = Pattern.compile("\\bset\\b(.*?)(?:\\bfrom\\b|\\bwhere\\b|\\breturning\\b|$)",
            Pattern.DOTALL);
    private static final Pattern WHERE = Pattern.compile("\\bwhere\\b(.*?)(?:\\breturning\\b|$)", Pattern.DOTALL);
    /** {@code status} as a column of its own (also {@code jobs.status}), not {@code next_status} or {@code :status}. */
    private static final Pattern STATUS = Pattern.compile("(?<![\\w:])(?:jobs\\.)?status\\b");
    private static final Pattern EQUALS_LITERAL = Pattern.compile("\\G\\s*=\\s*'([^']*)'");
    private static final Pattern IN_LITERALS = Pattern.compile("\\G\\s+in\\s*\\(([^)]*)\\)");
    private static final Pattern LITERAL = Pattern.compile("'([^']*)'");
    private static final Pattern OTHER_LITERAL = Pattern.compile("'((?:[^']|'')*)'");

    private SqlTransitions() {
    }

    static Found read(String source, String sql) {
        List<Transition> transitions = new ArrayList<>();
        Set<JobStatus> inserted = new LinkedHashSet<>();
        for (String statement : withOtherLiteralsBlank(withoutComments(sql).toLowerCase(Locale.ROOT)).split(";")) {
            String text = statement.strip();
            Matcher update = UPDATE_JOBS.matcher(text);
            if (update.matches()) {
                transitions.addAll(readUpdate(source, update.group(1)));
            } else if (INSERT_JOBS.matcher(text).lookingAt()) {
                inserted.addAll(readInsert(source, text));
            }
        }
        return new Found(List.copyOf(transitions), Set.copyOf(inserted));
    }

    private static List<Transition> readUpdate(String source, String afterTable) {
        Matcher set = SET.matcher(afterTable);
        if (!set.find()) {
            throw unreadable(source, "an update of jobs without a set clause");
        }
        Set<JobStatus> targets = targets(source, set.group(1));
        if (targets.isEmpty()) {
            return List.of();
        }
        Matcher where = WHERE.matcher(afterTable);
        Set<JobStatus> guards = where.find() ? guards(source, where.group(1)) : Set.of();
        if (guards.isEmpty()) {
            throw unreadable(source, "it sets status " + targets + " without naming the status it expects");
        }
        List<Transition> transitions = new ArrayList<>();
        guards.forEach(from -> targets.forEach(to -> transitions.add(new Transition(source, from, to))));
        return transitions;
    }

    /** The statuses {@code status = <expression>} in a set clause may write: a literal, or each literal of a case. */
    private static Set<JobStatus> targets(String source, String setClause) {
        Matcher status = STATUS.matcher(setClause);
        if (!status.find()) {
            return Set.of();
        }
        int start = setClause.indexOf('=', status.end()) + 1;
        String expression = setClause.substring(start, endOfAssignment(setClause, start));
        Set<JobStatus> targets = statuses(source, expression);
        if (targets.isEmpty()) {
            throw unreadable(source, "status is set to '" + expression.strip() + "', which names no status");
        }
        if (status.find()) {
            throw unreadable(source, "status is set twice");
        }
        return targets;
    }

    /** Every status the where clause accepts: each {@code status = 'x'} and {@code status in ('x', 'y')}. */
    private static Set<JobStatus> guards(String source, String whereClause) {
        Set<JobStatus> guards = new LinkedHashSet<>();
        Matcher status = STATUS.matcher(whereClause);
        while (status.find()) {
            Matcher equals = EQUALS_LITERAL.matcher(whereClause).region(status.end(), whereClause.length());
            Matcher in = IN_LITERALS.matcher(whereClause).region(status.end(), whereClause.length());
            if (equals.lookingAt()) {
                guards.add(status(source, equals.group(1)));
            } else if (in.lookingAt()) {
                guards.addAll(statuses(source, in.group(1)));
            } else {
                throw unreadable(source, "a guard on status that is neither = 'x' nor in ('x', ...): "
                        + whereClause.substring(status.start()).strip());
            }
        }
        return guards;
    }

    private static Set<JobStatus> readInsert(String source, String insert) {
        Set<JobStatus> inserted = statuses(source, insert);
        if (inserted.isEmpty()) {
            throw unreadable(source, "an insert into jobs that writes no status literal");
        }
        return inserted;
    }

    /** Each quoted literal in {@code text} that names a status; other literals (a code, a message) are skipped. */
    private static Set<JobStatus> statuses(String source, String text) {
        Set<JobStatus> statuses = new LinkedHashSet<>();
        Matcher literal = LITERAL.matcher(text);
        while (literal.find()) {
            if (isStatus(literal.group(1))) {
                statuses.add(JobStatus.fromWire(literal.group(1)));
            }
        }
        return statuses;
    }

    private static JobStatus status(String source, String literal) {
        if (!isStatus(literal)) {
            throw unreadable(source, "'" + literal + "' is not a job status");
        }
        return JobStatus.fromWire(literal);
    }

    private static boolean isStatus(String literal) {
        for (JobStatus status : JobStatus.values()) {
            if (status.wireName().equals(literal)) {
                return true;
            }
        }
        return false;
    }

    /** Where {@code status = ...} ends: the next comma outside parentheses and outside a {@code case ... end}. */
    private static int endOfAssignment(String setClause, int start) {
        int depth = 0;
        for (int index = start; index < setClause.length(); index++) {
            char next = setClause.charAt(index);
            if (next == '(' || setClause.startsWith("case", index) && isWordAt(setClause, index, 4)) {
                depth++;
            } else if (next == ')' || setClause.startsWith("end", index) && isWordAt(setClause, index, 3)) {
                depth--;
            } else if (next == '\'') {
                index = setClause.indexOf('\'', index + 1);
            } else if (next == ',' && depth == 0) {
                return index;
            }
        }
        return setClause.length();
    }

    private static boolean isWordAt(String text, int index, int length) {
        boolean startsWord = index == 0 || !Character.isLetterOrDigit(text.charAt(index - 1)) && text.charAt(index - 1) != '_';
        int after = index + length;
        boolean endsWord = after >= text.length() || !Character.isLetterOrDigit(text.charAt(after)) && text.charAt(after) != '_';
        return startsWord && endsWord;
    }

    /**
     * Blanks every string literal that is not a status name (a message, an error code), so words inside it
     * ({@code where}, {@code from}, a comma, a semicolon) cannot be taken for SQL.
     */
    private static String withOtherLiteralsBlank(String sql) {
        return OTHER_LITERAL.matcher(sql).replaceAll(literal ->
                isStatus(literal.group(1)) ? literal.group() : "'?'");
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", "");
    }

    private static IllegalArgumentException unreadable(String source, String why) {
        return new IllegalArgumentException(source + ": cannot read the status change: " + why);
    }
}
