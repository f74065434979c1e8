package dev.sluice.worker.jobs;

import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.testing.JobSubmittedBuilder;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseStepsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger tries = new AtomicInteger();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aConstraintViolationFailsAtOnceAsPermanent() {
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofMinutes(5));

        CompletableFuture<Object> step = steps.persistently(aJob(), () -> failing("23503"));

        assertThatThrownBy(() -> step.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(DatabaseSteps.DatabaseStepFailed.class, failed -> {
                    assertThat(failed.permanent()).isTrue();
                    assertThat(failed.sqlState()).isEqualTo("23503");
                });
        assertThat(tries).hasValue(1);
    }

    @Test
    void aDataExceptionSuchAsNulInJsonbFailsAtOnceAsPermanent() {
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofMinutes(5));

        CompletableFuture<Object> step = steps.persistently(aJob(), () -> failing("22P05"));

        assertThatThrownBy(() -> step.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(DatabaseSteps.DatabaseStepFailed.class,
                        failed -> assertThat(failed.permanent()).isTrue());
        assertThat(tries).hasValue(1);
    }

    @Test
    void aTransientFailureIsRetriedUntilItWorks() throws Exception {
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofMinutes(5));

        CompletableFuture<String> step = steps.persistently(aJob(),
                () -> tries.get() == 0 ? failing("08006") : CompletableFuture.completedFuture("stored " + tries.incrementAndGet()));

        assertThat(step.get(5, TimeUnit.SECONDS)).isEqualTo("stored 2");
    }

    @Test
    void aTransientFailureGivesUpOnceTheLimitHasPassed() {
        long[] now = {0};
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofSeconds(10), () -> now[0]);

        CompletableFuture<Object> step = steps.persistently(aJob(), () -> {
            now[0] += Duration.ofSeconds(4).toNanos();
            return failing("08006");
        });

        assertThatThrownBy(() -> step.get(10, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(DatabaseSteps.DatabaseStepFailed.class,
                        failed -> assertThat(failed.permanent()).isFalse());
        assertThat(tries.get()).isBetween(2, 3);
    }

    @Test
    void whileStoppingAFailingStepIsNotTriedAgainAndKeepsItsOwnFailure() {
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofMinutes(5));
        steps.stop();

        CompletableFuture<Object> step = steps.persistently(aJob(), () -> failing("08006"));

        assertThatThrownBy(() -> step.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThat(tries).hasValue(1);
    }

    @Test
    void aStepThatThrowsInsteadOfFailingItsFutureIsRetriedLikeOne() throws Exception {
        DatabaseSteps steps = new DatabaseSteps(timer, Duration.ofMinutes(5));

        CompletableFuture<String> step = steps.persistently(aJob(), () -> {
            if (tries.incrementAndGet() == 1) {
                throw jdbiFailure("57P01");
            }
            return CompletableFuture.completedFuture("stored");
        });

        assertThat(step.get(5, TimeUnit.SECONDS)).isEqualTo("stored");
        assertThat(tries).hasValue(2);
    }

    @Test
    void aFailureWithoutSqlStateIsTransient() {
        assertThat(DatabaseSteps.isPermanent(DatabaseSteps.sqlStateOf(new IllegalStateException("pool timeout"))))
                .isFalse();
        assertThat(DatabaseSteps.isPermanent(DatabaseSteps.sqlStateOf(jdbiFailure("40001")))).isFalse();
    }

    private <T> CompletableFuture<T> failing(String sqlState) {
        tries.incrementAndGet();
        return CompletableFuture.failedFuture(jdbiFailure(sqlState));
    }

    private static RuntimeException jdbiFailure(String sqlState) {
        return new UnableToExecuteStatementException(new SQLException("rejected", sqlState), null);
    }

    private static JobSubmitted aJob() {
        return JobSubmittedBuilder.aJob().withRequest(JsonNodeFactory.instance.objectNode().put("model", "gpt-4o-mini"))
                .build();
    }
}
