package dev.sluice.api.deadletters;

import dev.sluice.api.problems.FieldProblem;
import dev.sluice.api.problems.Problems;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The operator's view of the dead-letter topic: {@code GET /admin/dead-letters} lists the newest letters,
 * {@code POST /admin/dead-letters/replay} puts failed jobs back in the queue with their ids
 * ({@code {"job_ids": [...]}} or {@code {"all": true}} for every readable letter). {@code ./sluice dlq} calls these.
 */
@RestController
class DeadLetterController {

    record DeadLettersView(String object, int count, List<DeadLetter> data) {
    }

    record ReplayRequest(List<String> jobIds, Boolean all) {
    }

    record ReplayView(int replayed, int skipped, List<DeadLetterReplay.Replayed> jobs) {
    }

    private final DeadLetterReader reader;
    private final DeadLetterReplay replay;

    DeadLetterController(DeadLetterReader reader, DeadLetterReplay replay) {
        this.reader = reader;
        this.replay = replay;
    }

    @GetMapping("/admin/dead-letters")
    DeadLettersView list(@RequestParam(name = "limit", defaultValue = "100") int limit) {
        if (limit < 1 || limit > 10_000) {
            throw Problems.invalidRequest(List.of(new FieldProblem("limit", "must be between 1 and 10000")));
        }
        List<DeadLetter> letters = reader.newest(limit);
        return new DeadLettersView("list", letters.size(), letters);
    }

    @PostMapping("/admin/dead-letters/replay")
    ReplayView replay(@RequestBody ReplayRequest request) {
        boolean all = Boolean.TRUE.equals(request.all());
        boolean someIds = request.jobIds() != null && !request.jobIds().isEmpty();
        if (all == someIds) {
            throw Problems.invalidRequest(List.of(new FieldProblem("job_ids",
                    "give either job_ids (a non-empty list) or \"all\": true")));
        }
        Set<String> ids = new LinkedHashSet<>();
        if (all) {
            reader.readAll().stream().filter(DeadLetter::replayable).forEach(letter -> ids.add(letter.jobId()));
        } else {
            ids.addAll(request.jobIds());
        }
        List<DeadLetterReplay.Replayed> results = ids.stream().map(replay::replay).toList();
        int replayed = (int) results.stream().filter(DeadLetterReplay.Replayed::replayed).count();
        return new ReplayView(replayed, results.size() - replayed, results);
    }
}
