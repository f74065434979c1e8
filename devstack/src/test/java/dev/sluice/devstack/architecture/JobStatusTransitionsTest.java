package dev.sluice.devstack.architecture;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.devstack.architecture.SqlTransitions.Found;
import dev.sluice.devstack.architecture.SqlTransitions.Transition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state machine in the SQL is the one in {@link JobStatus#canMoveTo}: every status change any module's SQL file
 * makes on {@code jobs} (its guard's statuses → the status it sets) is a move the table allows, and every move the
 * table allows is one some SQL file makes. The files are read from the classpath, where devstack sees common's, the
 * api's and the worker's.
 */
class JobStatusTransitionsTest {

    private static final String EVERY_SQL_FILE = "classpath*:dev/sluice/**/*.sql";

    private static final List<Transition> transitions = new ArrayList<>();
    private static final Set<JobStatus> inserted = EnumSet.noneOf(JobStatus.class);
    private static final Set<String> files = new HashSet<>();

    @BeforeAll
    static void readEverySqlFile() throws IOException {
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources(EVERY_SQL_FILE)) {
            String source = resource.getURL().getPath().replaceFirst(".*/dev/sluice/", "");
            Found found = SqlTransitions.read(source, resource.getContentAsString(StandardCharsets.UTF_8));
            transitions.addAll(found.transitions());
            inserted.addAll(found.inserted());
            if (!found.transitions().isEmpty() || !found.inserted().isEmpty()) {
                files.add(source);
            }
        }
    }

    @Test
    void theFilesOfEveryModuleThatChangeAStatusAreRead() {
        assertThat(files).contains("common/jobs/JobTransitions/markRunning.sql", "common/jobs/JobDao/cancel.sql",
                "common/jobs/JobDao/replayFailed.sql", "api/outbox/OutboxRows/failUnpublishable.sql");
        assertThat(files).hasSizeGreaterThanOrEqualTo(14);
    }

    @Test
    void everyStatusChangeTheSqlMakesIsOneTheTableAllows() {
        assertThat(transitions).isNotEmpty().allMatch(Transition::isAllowed,
                "a move JobStatus.canMoveTo allows");
    }

    @Test
    void everyMoveTheTableAllowsIsOneTheSqlMakes() {
        Set<String> made = new HashSet<>();
        transitions.forEach(move -> made.add(move.from().wireName() + " → " + move.to().wireName()));
        List<String> allowed = new ArrayList<>();
        for (JobStatus from : JobStatus.values()) {
            for (JobStatus to : JobStatus.values()) {
                if (from.canMoveTo(to)) {
                    allowed.add(from.wireName() + " → " + to.wireName());
                }
            }
        }

        assertThat(made).containsExactlyInAnyOrderElementsOf(allowed);
    }

    @Test
    void aJobIsBornQueued() {
        assertThat(inserted).containsExactly(JobStatus.QUEUED);
    }

    @Test
    void aMoveTheTableForbidsIsFound() {
        Found found = SqlTransitions.read("bad.sql", """
                -- a finished job back to the queue: the table forbids it
                update jobs
                set status = 'queued', updated_at = now()
                where id = :id and status in ('running', 'succeeded')
                """);

        assertThat(found.transitions()).extracting(Transition::isAllowed).containsExactly(true, false);
        assertThat(found.transitions().get(1)).hasToString("bad.sql: succeeded → queued");
    }

    @Test
    void everyStatusACaseCanSetIsAMove() {
        Found found = SqlTransitions.read("case.sql", """
                update jobs
                set attempts = attempts + 1,
                    status = case when deadline <= now() then 'expired' else 'running' end, updated_at = now()
                where id = any(:ids) and (status = 'waiting' or jobs.status = 'succeeded')
                """);

        assertThat(found.transitions()).extracting(Transition::toString).containsExactly(
                "case.sql: waiting → expired", "case.sql: waiting → running",
                "case.sql: succeeded → expired", "case.sql: succeeded → running");
    }

    @Test
    void wordsInsideMessagesAreNotTakenForSql() {
        Found found = SqlTransitions.read("message.sql", """
                update jobs
                set error = jsonb_build_object('message', 'failed where it came from, status = done'),
                    status = 'failed'
                where id = :id and status = 'waiting'
                """);

        assertThat(found.transitions()).extracting(Transition::toString).containsExactly("message.sql: waiting → failed");
    }

    @Test
    void anUpdateThatSetsAStatusWithoutAGuardIsRefused() {
        assertThatThrownBy(() -> SqlTransitions.read("unguarded.sql",
                "update jobs set status = 'cancelled' where id = :id"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unguarded.sql");
    }

    @Test
    void aGuardItCannotReadIsRefused() {
        assertThatThrownBy(() -> SqlTransitions.read("odd.sql",
                "update jobs set status = 'cancelled' where id = :id and status <> 'succeeded'"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither");
        assertThatThrownBy(() -> SqlTransitions.read("typo.sql",
                "update jobs set status = 'canceled' where id = :id and status = 'queued'"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no status");
    }

    @Test
    void updatesThatLeaveTheStatusAloneAreNoMoves() {
        Found found = SqlTransitions.read("renew.sql",
                "update jobs set lease_until = now() where id = any(:ids) and status = 'running'");

        assertThat(found.transitions()).isEmpty();
    }
}
