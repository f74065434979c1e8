package dev.sluice.devstack.simulator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link SimulatorStats}. Client request ids are remembered as 64-bit hashes, at most
 * {@value #MAX_REMEMBERED_CLIENT_REQUEST_IDS} of them (about 150 MB at the cap); beyond that new ids are no longer
 * remembered, so duplicates among them go uncounted. A run of a million jobs stays well inside the cap. The ids of
 * duplicated and of stalled calls, which are few, are also kept as text (at most
 * {@value #MAX_NAMED_CLIENT_REQUEST_IDS} each), so a test can tell which jobs they were.
 */
final class StatsCounters {

    static final int MAX_REMEMBERED_CLIENT_REQUEST_IDS = 2_000_000;
    static final int MAX_NAMED_CLIENT_REQUEST_IDS = 100_000;

    enum Outcome { RATE_LIMITED, QUOTA_EXHAUSTED, UNAUTHORIZED, BAD_REQUEST, NOT_FOUND, SERVER_ERROR, DROPPED,
        STALLED, OVERLOADED }

    private final Clock clock;
    private final LongAdder chatRequests = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder chargedTokens = new LongAdder();
    private final LongAdder duplicatePaidCalls = new LongAdder();
    private final Map<String, LongAdder> succeededByKey = new ConcurrentHashMap<>();
    private final Set<Long> answeredClientRequestIds = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> duplicatePaidCallsById = new ConcurrentHashMap<>();
    private final Set<String> stalledClientRequestIds = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Instant> firstSucceededAt = new AtomicReference<>();
    private final AtomicReference<Instant> lastSucceededAt = new AtomicReference<>();

    StatsCounters(Clock clock) {
        this.clock = clock;
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(outcome, new LongAdder());
        }
    }

    void chatRequestReceived() {
        chatRequests.increment();
    }

    void record(Outcome outcome) {
        outcomes.get(outcome).increment();
    }

    /** Counts a stalled call; {@code clientRequestId} may be null when the client sent none. */
    void recordStalled(String clientRequestId) {
        record(Outcome.STALLED);
        if (clientRequestId != null && stalledClientRequestIds.size() < MAX_NAMED_CLIENT_REQUEST_IDS) {
            stalledClientRequestIds.add(clientRequestId);
        }
    }

    /** Counts an error answer by its status and type, the way a client would classify it. */
    void recordError(OpenAiError error) {
        switch (error.status()) {
            case 400 -> record(Outcome.BAD_REQUEST);
            case 401 -> record(Outcome.UNAUTHORIZED);
            case 404 -> record(Outcome.NOT_FOUND);
            case 429 -> record(OpenAiError.INSUFFICIENT_QUOTA.equals(error.type())
                    ? Outcome.QUOTA_EXHAUSTED : Outcome.RATE_LIMITED);
            case 503 -> record(Outcome.OVERLOADED);
            default -> record(Outcome.SERVER_ERROR);
        }
    }

    /** Counts a 200 answer for one key (several keys or accounts may share the simulator). */
    void recordSucceededFor(String key) {
        if (key != null) {
            succeededByKey.computeIfAbsent(key, ignored -> new LongAdder()).increment();
        }
    }

    long succeededFor(String key) {
        LongAdder count = succeededByKey.get(key);
        return count == null ? 0 : count.sum();
    }

    /** Counts a 200 answer; {@code clientRequestId} may be null when the client sent none. */
    void recordSucceeded(String clientRequestId, long prompt, long completion, long charged) {
        succeeded.increment();
        promptTokens.add(prompt);
        completionTokens.add(completion);
        chargedTokens.add(charged);
        Instant now = clock.instant();
        firstSucceededAt.compareAndSet(null, now);
        lastSucceededAt.set(now);
        if (clientRequestId == null || clientRequestId.isBlank()) {
            return;
        }
        Long id = fingerprint(clientRequestId);
        if (answeredClientRequestIds.contains(id)) {
            recordDuplicate(clientRequestId);
        } else if (answeredClientRequestIds.size() < MAX_REMEMBERED_CLIENT_REQUEST_IDS
                && !answeredClientRequestIds.add(id)) {
            recordDuplicate(clientRequestId);
        }
    }

    private void recordDuplicate(String clientRequestId) {
        duplicatePaidCalls.increment();
        if (duplicatePaidCallsById.containsKey(clientRequestId)
                || duplicatePaidCallsById.size() < MAX_NAMED_CLIENT_REQUEST_IDS) {
            duplicatePaidCallsById.computeIfAbsent(clientRequestId, ignored -> new LongAdder()).increment();
        }
    }

    Map<String, Long> duplicatePaidCallsById() {
        Map<String, Long> copy = new HashMap<>();
        duplicatePaidCallsById.forEach((id, count) -> copy.put(id, count.sum()));
        return copy;
    }

    Set<String> stalledClientRequestIds() {
        return Set.copyOf(stalledClientRequestIds);
    }

    SimulatorStats snapshot() {
        return new SimulatorStats(chatRequests.sum(), succeeded.sum(), count(Outcome.RATE_LIMITED),
                count(Outcome.QUOTA_EXHAUSTED), count(Outcome.UNAUTHORIZED), count(Outcome.BAD_REQUEST),
                count(Outcome.NOT_FOUND), count(Outcome.SERVER_ERROR), count(Outcome.DROPPED), count(Outcome.STALLED),
                count(Outcome.OVERLOADED), promptTokens.sum(), completionTokens.sum(), chargedTokens.sum(),
                answeredClientRequestIds.size(), duplicatePaidCalls.sum(), firstSucceededAt.get(),
                lastSucceededAt.get());
    }

    void reset() {
        chatRequests.reset();
        succeeded.reset();
        outcomes.values().forEach(LongAdder::reset);
        promptTokens.reset();
        completionTokens.reset();
        chargedTokens.reset();
        duplicatePaidCalls.reset();
        succeededByKey.clear();
        answeredClientRequestIds.clear();
        duplicatePaidCallsById.clear();
        stalledClientRequestIds.clear();
        firstSucceededAt.set(null);
        lastSucceededAt.set(null);
    }

    private long count(Outcome outcome) {
        return outcomes.get(outcome).sum();
    }

    /** FNV-1a over the UTF-8 bytes, then a 64-bit finaliser: collisions among a million ids are negligible. */
    private static long fingerprint(String clientRequestId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : clientRequestId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        return hash ^ (hash >>> 33);
    }
}
