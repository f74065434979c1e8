package dev.sluice.api.problems;

/** One thing wrong with a request: where (a JSON path such as {@code jobs[3].messages[0].role}) and what. */
public record FieldProblem(String field, String message) {
}
