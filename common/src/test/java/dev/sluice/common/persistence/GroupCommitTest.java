package dev.sluice.common.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupCommitTest {

    /** Every group the write function was called with, in order. */
    private final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch firstGroupWriting = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private GroupCommit<String, String> commit;

    @AfterEach
    void close() {
        if (commit != null) {
            commit.close();
        }
    }

    @Test
    void anItemAloneIsWrittenAtOnceAndGetsItsOwnResult() throws Exception {
        commit = new GroupCommit<>("test", 1, 10, 0, item -> item, recordingUppercase());

        assertThat(commit.submit("a").get(5, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(groups).containsExactly(List.of("a"));
    }

    @Test
    void itemsThatArriveWhileAGroupIsWrittenGoTogetherInTheNextUpToTheGroupSize() throws Exception {
        commit = new GroupCommit<>("test", 1, 3, 0, item -> item, heldWhileWriting("first", recordingUppercase()));
        CompletableFuture<String> first = commit.submit("first");
        await(firstGroupWriting);
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (String item : List.of("b", "c", "d", "e")) {
            queued.add(commit.submit(item));
        }

        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
        assertThat(CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))
                .thenApply(done -> queued.stream().map(CompletableFuture::join).toList()).get(5, TimeUnit.SECONDS))
                .containsExactly("B", "C", "D", "E");
        assertThat(groups).containsExactly(List.of("first"), List.of("b", "c", "d"), List.of("e"));
    }

    @Test
    void aGroupNeverHoldsTwoItemsWithTheSameKey() throws Exception {
        commit = new GroupCommit<>("test", 1, 10, 0, item -> item.charAt(0), heldWhileWriting("x0", recordingUppercase()));
        CompletableFuture<String> blocker = commit.submit("x0");
        await(firstGroupWriting);
        List<CompletableFuture<String>> queued = List.of(commit.submit("a1"), commit.submit("b1"), commit.submit("a2"));

        release.countDown();

        blocker.get(5, TimeUnit.SECONDS);
        assertThat(queued.stream().map(future -> future.orTimeout(5, TimeUnit.SECONDS).join()).toList())
                .containsExactly("A1", "B1", "A2");
        assertThat(groups).containsExactly(List.of("x0"), List.of("a1", "b1"), List.of("a2"));
    }

    @Test
    void whenAGroupFailsEachItemIsWrittenAloneAndOnlyTheBadOneFails() throws Exception {
        commit = new GroupCommit<>("test", 1, 10, 0, item -> item, heldWhileWriting("first", items -> {
            if (items.contains("bad")) {
                groups.add(items);
                throw new IllegalStateException("bad item in " + items);
            }
            return recordingUppercase().apply(items);
        }));
        CompletableFuture<String> first = commit.submit("first");
        await(firstGroupWriting);
        CompletableFuture<String> good = commit.submit("good");
        CompletableFuture<String> bad = commit.submit("bad");
        CompletableFuture<String> alsoGood = commit.submit("fine");

        release.countDown();

        first.get(5, TimeUnit.SECONDS);
        assertThat(good.get(5, TimeUnit.SECONDS)).isEqualTo("GOOD");
        assertThat(alsoGood.get(5, TimeUnit.SECONDS)).isEqualTo("FINE");
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("bad item in [bad]");
        assertThat(groups).containsExactly(List.of("first"), List.of("good", "bad", "fine"), List.of("good"),
                List.of("bad"), List.of("fine"));
    }

    @Test
    void aWriterSurvivingAnErrorKeepsWriting() throws Exception {
        commit = new GroupCommit<>("test", 1, 10, 0, item -> item, items -> {
            if (items.contains("boom")) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
            return recordingUppercase().apply(items);
        });

        CompletableFuture<String> failed = commit.submit("boom");

        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(OutOfMemoryError.class);
        assertThat(commit.submit("after").get(5, TimeUnit.SECONDS)).isEqualTo("AFTER");
        assertThat(commit.isAlive()).isTrue();
    }

    @Test
    void closingWritesWhatIsWaitingAndThenRefusesNewItems() throws Exception {
        commit = new GroupCommit<>("test", 2, 10, 0, item -> item, recordingUppercase());
        List<CompletableFuture<String>> submitted = new ArrayList<>();
        for (int index = 0; index < 100; index++) {
            submitted.add(commit.submit("item" + index));
        }

        commit.close();

        assertThat(submitted).allSatisfy(future -> assertThat(future).isCompleted());
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(100);
        assertThatThrownBy(() -> commit.submit("late").get(5, TimeUnit.SECONDS)).hasRootCauseMessage("test is closed")
                .hasCauseInstanceOf(GroupCommit.Closed.class);
    }

    @Test
    void pastItsBoundAnItemIsRefusedAtOnceAndTheOthersAreWritten() throws Exception {
        commit = new GroupCommit<>("test", 1, 10, 2, item -> item, heldWhileWriting("first", recordingUppercase()));
        CompletableFuture<String> first = commit.submit("first");
        await(firstGroupWriting);
        CompletableFuture<String> second = commit.submit("second");
        CompletableFuture<String> third = commit.submit("third");

        CompletableFuture<String> refused = commit.submit("fourth");

        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(GroupCommit.Full.class);
        assertThat(commit.waitingCount()).isEqualTo(2);
        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("SECOND");
        assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo("THIRD");
        assertThat(groups).containsExactly(List.of("first"), List.of("second", "third"));
    }

    /** The group holding {@code marker} waits in its write until {@link #release}: later items pile up meanwhile. */
    private Function<List<String>, List<String>> heldWhileWriting(String marker,
                                                                  Function<List<String>, List<String>> write) {
        return items -> {
            if (items.contains(marker)) {
                firstGroupWriting.countDown();
                await(release);
            }
            return write.apply(items);
        };
    }

    private Function<List<String>, List<String>> recordingUppercase() {
        return items -> {
            groups.add(List.copyOf(items));
            return items.stream().map(String::toUpperCase).toList();
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
