package dev.sluice.api.problems;

import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemHandlerTest {

    private final ProblemHandler handler = new ProblemHandler();
    private final ServletWebRequest request = new ServletWebRequest(new MockHttpServletRequest());

    @Test
    void anUnreachableDatabaseIs503WithRetryAfter() {
        var failure = new ConnectionException(new SQLTransientConnectionException("pool timed out after 5000ms"));

        ResponseEntity<Object> answer = handler.handleDatabase(failure, request);

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat(((ProblemDetail) answer.getBody()).getType()).isEqualTo(Problems.UNAVAILABLE);
    }

    @Test
    void aLostConnectionInTheMiddleOfAStatementIs503() {
        var failure = new UnableToExecuteStatementException("insert failed",
                new SQLException("An I/O error occurred while sending to the backend.", "08006"), null);

        assertThat(handler.handleDatabase(failure, request).getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aStatementThatCanNeverSucceedIsStill500() {
        var failure = new UnableToExecuteStatementException("insert failed",
                new SQLException("invalid byte sequence for encoding \"UTF8\": 0x00", "22021"), null);

        assertThat(handler.handleDatabase(failure, request).getStatusCode().value()).isEqualTo(500);
    }
}
