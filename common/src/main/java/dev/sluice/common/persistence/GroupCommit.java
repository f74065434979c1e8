package dev.sluice.common.persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Group commit for one kind of small write: callers hand in an item and get its own result; a few writer threads each
 * take whatever is waiting (up to {@code groupSize}) and write it in one statement or transaction. Nothing waits on a
 * timer: alone, an item is written at once; under load, items pile up while a group is written and go together in the
 * next, so one round trip and one commit serve many. A group never holds two items with the same key (a later one
 * waits for the next group), so each write sees the one before it. If a group's write fails, each of its items is
 * written on its own, so one bad item fails only its own caller. A writer survives anything a write throws, an
 * {@code Error} included (its items fail, the writer goes on), and {@link #isAlive()} says if one has died all the same.
 * <p>
 * The worker's job writes ({@code JobWrites}) and the api's single submits ({@code SubmitGroupCommit}) build on this;
 * what a write means (a fenced update, an intake transaction) stays with them.
 *
 * @param <I> what a caller hands in
 * @param <O> what the caller gets back for it
 */
public final class GroupCommit<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final long POLL_MILLIS = 100;
    private static final long WRITER_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);

    /** An item refused because the group commit is closed (or closed before its group was written). */
    public static final class Closed extends IllegalStateException {
        Closed(String name) {
            super(name + " is closed");
        }
    }

    /** An item refused at once because {@code queueBound} items are already waiting. */
    public static final class Full extends IllegalStateException {
        Full(String name, int bound) {
            super(name + " has " + bound + " items waiting already");
        }
    }

    private record Pending<I, O>(I item, CompletableFuture<O> done) {
    }

    private final String name;
    private final int groupSize;
    private final int queueBound;
    private final Function<I, ?> key;
    /** Writes a group of items with distinct keys; returns their results in the same order. */
    private final Function<List<I>, List<O>> write;
    private final BlockingQueue<Pending<I, O>> waiting;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean open = true;

    /**
     * Starts {@code writerThreads} writers at once, named {@code sluice-<name>-<index>}.
     *
     * @param queueBound how many items may wait at most ({@link Full} past it); 0 for no bound of its own, when the
     *                   callers bound what they hand in
     * @param key        items with the same key never share a group
     * @param write      writes a group of items with distinct keys and returns their results in the same order
     */
    public GroupCommit(String name, int writerThreads, int groupSize, int queueBound, Function<I, ?> key,
                       Function<List<I>, List<O>> write) {
        this.name = name;
        this.groupSize = groupSize;
        this.queueBound = queueBound;
        this.key = key;
        this.write = write;
        this.waiting = queueBound > 0 ? new LinkedBlockingQueue<>(queueBound) : new LinkedBlockingQueue<>();
        for (int index = 0; index < writerThreads; index++) {
            Thread writer = new Thread(this::writeGroups, "sluice-" + name + "-" + index);
            writer.setDaemon(true);
            writer.start();
            writers.add(writer);
        }
    }

    /**
     * Completes with the item's result once its group is written, or exceptionally: with the write's failure, with
     * {@link Full} at once when too many wait, with {@link Closed} when closed.
     */
    public CompletableFuture<O> submit(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        if (!open) {
            pending.done().completeExceptionally(new Closed(name));
        } else if (!waiting.offer(pending)) {
            pending.done().completeExceptionally(new Full(name, queueBound));
        }
        return pending.done();
    }

    /** How many items wait for a writer. */
    public int waitingCount() {
        return waiting.size();
    }

    /** Writes what is waiting (each writer gets up to 30 s), then stops the writers; an item left over fails. */
    @Override
    public void close() {
        open = false;
        for (Thread writer : writers) {
            try {
                writer.join(WRITER_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Pending<I, O>> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(pending -> pending.done().completeExceptionally(new Closed(name)));
    }

    /** False once a writer thread has ended while this is still open: nothing it would take gets written. */
    public boolean isAlive() {
        return !open || writers.stream().allMatch(Thread::isAlive);
    }

    private void writeGroups() {
        Deque<Pending<I, O>> later = new ArrayDeque<>();
        while (open || !waiting.isEmpty() || !later.isEmpty()) {
            try {
                List<Pending<I, O>> taken = new ArrayList<>(later);
                later.clear();
                if (taken.isEmpty()) {
                    Pending<I, O> first = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    taken.add(first);
                }
                waiting.drainTo(taken, Math.max(0, groupSize - taken.size()));
                List<Pending<I, O>> group = new ArrayList<>(taken.size());
                Set<Object> keys = new HashSet<>();
                for (Pending<I, O> pending : taken) {
                    (keys.add(key.apply(pending.item())) ? group : later).add(pending);
                }
                write(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                // never expected (write() catches); a writer that ended here would leave every later caller unanswered
                log.error("{}: a writer failed outside a write; it goes on", name, e);
            }
        }
    }

    private void write(List<Pending<I, O>> group) {
        List<O> results;
        try {
            results = write.apply(group.stream().map(Pending::item).toList());
        } catch (Throwable e) {
            // an Error too (out of memory, a linkage error): the callers get it, and the writer lives on
            if (group.size() == 1) {
                group.get(0).done().completeExceptionally(e);
                return;
            }
            log.warn("{}: a group of {} failed ({}); writing each on its own", name, group.size(), e.toString());
            group.forEach(pending -> write(List.of(pending)));
            return;
        }
        for (int index = 0; index < group.size(); index++) {
            group.get(index).done().complete(results.get(index));
        }
    }
}
