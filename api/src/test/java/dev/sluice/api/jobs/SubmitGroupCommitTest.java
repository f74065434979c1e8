package dev.sluice.api.jobs;

import static dev.sluice.common.testing.JobSubmittedBuilder.aJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.api.problems.Problems;
import dev.sluice.common.jobs.JobSubmitted;
import dev.sluice.common.json.SluiceJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;

class SubmitGroupCommitTest {

    private final ApiProperties properties = new ApiProperties(DataSize.ofMegabytes(1), DataSize.ofMegabytes(256),
            DataSize.ofMegabytes(512), 10_000, 32_768, 16, 2048, 512, 2048, List.of(), Duration.ofSeconds(10), 1, 500,
            1_000, Duration.ofSeconds(1), Duration.ofSeconds(15));
    private final ExecutorService callers = Executors.newFixedThreadPool(50);
    private SubmitGroupCommit groupCommit;

    @AfterEach
    void stop() {
        groupCommit.stop();
        callers.shutdownNow();
    }

    @Test
    void concurrentSubmitsShareOneIntakeTransaction() throws Exception {
        CountDownLatch firstGroupMayFinish = new CountDownLatch(1);
        RecordingIntake intake = new RecordingIntake(firstGroupMayFinish);
        groupCommit = new SubmitGroupCommit(intake, properties);
        groupCommit.start();

        List<CompletableFuture<Void>> submits = new ArrayList<>();
        submits.add(CompletableFuture.runAsync(() -> groupCommit.accept(job()), callers));
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.groupSizes.size() == 1);
        for (int index = 0; index < 49; index++) {
            submits.add(CompletableFuture.runAsync(() -> groupCommit.accept(job()), callers));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waitingCount() == 49);
        firstGroupMayFinish.countDown();
        CompletableFuture.allOf(submits.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(intake.groupSizes).containsExactly(1, 49);
    }

    @Test
    void aFailedGroupIsWrittenOneByOneSoOnlyTheBadMemberFails() throws Exception {
        CountDownLatch firstGroupMayFinish = new CountDownLatch(1);
        JobSubmitted bad = job();
        List<Integer> groupSizes = Collections.synchronizedList(new ArrayList<>());
        JobIntake intake = new JobIntake(null, null, null) {
            @Override
            public void accept(List<JobSubmitted> jobs) {
                groupSizes.add(jobs.size());
                try {
                    firstGroupMayFinish.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (jobs.contains(bad)) {
                    throw new IllegalStateException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00");
                }
            }
        };
        groupCommit = new SubmitGroupCommit(intake, properties);
        groupCommit.start();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> groupCommit.accept(job()), callers);
        await().atMost(Duration.ofSeconds(5)).until(() -> groupSizes.size() == 1);
        List<CompletableFuture<Void>> good = new ArrayList<>();
        for (int index = 0; index < 29; index++) {
            good.add(CompletableFuture.runAsync(() -> groupCommit.accept(job()), callers));
        }
        CompletableFuture<Void> badSubmit = CompletableFuture.runAsync(() -> groupCommit.accept(bad), callers);
        await().atMost(Duration.ofSeconds(5)).until(() -> groupCommit.waitingCount() == 30);
        firstGroupMayFinish.countDown();

        first.get(10, TimeUnit.SECONDS);
        CompletableFuture.allOf(good.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> badSubmit.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(groupSizes.subList(0, 2)).containsExactly(1, 30);
        assertThat(groupSizes).hasSize(2 + 30);
    }

    @Test
    void everyCallerOfAFailedGroupGetsTheProblemAndNoneIsAccepted() {
        JobIntake failing = new JobIntake(null, null, null) {
            @Override
            public void accept(List<JobSubmitted> jobs) {
                throw Problems.unavailable("the database did not accept the job", null);
            }
        };
        groupCommit = new SubmitGroupCommit(failing, properties);
        groupCommit.start();

        assertThatThrownBy(() -> groupCommit.accept(job()))
                .isInstanceOf(ErrorResponseException.class)
                .hasMessageContaining("503");
    }

    @Test
    void refusesWhenStopped() {
        groupCommit = new SubmitGroupCommit(new RecordingIntake(new CountDownLatch(0)), properties);

        assertThatThrownBy(() -> groupCommit.accept(job())).isInstanceOf(ErrorResponseException.class);
    }

    private static JobSubmitted job() {
        return aJob().withRequest(SluiceJson.mapper().createObjectNode().put("model", "gpt-4o-mini")).build();
    }

    private final class RecordingIntake extends JobIntake {
        private final CountDownLatch firstGroupMayFinish;
        final List<Integer> groupSizes = Collections.synchronizedList(new ArrayList<>());

        RecordingIntake(CountDownLatch firstGroupMayFinish) {
            super(null, null, null);
            this.firstGroupMayFinish = firstGroupMayFinish;
        }

        @Override
        public void accept(List<JobSubmitted> jobs) {
            groupSizes.add(jobs.size());
            try {
                firstGroupMayFinish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
