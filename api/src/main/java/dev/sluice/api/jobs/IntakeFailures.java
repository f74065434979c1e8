package dev.sluice.api.jobs;

import dev.sluice.api.problems.Problems;
import java.sql.SQLException;
import org.springframework.web.ErrorResponseException;

/**
 * What a database failure during intake means for the caller: a request with the same Idempotency-Key holding the
 * key too long is a 409 (retry); anything else is a 503 (nothing was accepted, retry later), never a 500.
 */
public final class IntakeFailures {

    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private IntakeFailures() {
    }

    public static ErrorResponseException translate(RuntimeException failure) {
        if (failure instanceof ErrorResponseException answer) {
            return answer;
        }
        if (LOCK_NOT_AVAILABLE.equals(sqlState(failure))) {
            return Problems.conflict("a request with the same Idempotency-Key is being accepted right now; retry");
        }
        return Problems.busy("the database did not accept the job, so nothing was accepted; retry later", 1);
    }

    static String sqlState(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return null;
    }
}
