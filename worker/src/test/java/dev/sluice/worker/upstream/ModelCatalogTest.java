package dev.sluice.worker.upstream;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ModelCatalogTest {

    private final List<String> asked = new ArrayList<>();
    private final Map<String, Integer> upstream = Map.of("gpt-4o-mini", 200, "made-up", 404, "flaky", 0);
    private final List<String> listed = new ArrayList<>();
    private Optional<Set<String>> list = Optional.of(Set.of("gpt-4o-mini", "listed-only"));
    private final ModelCatalog catalog = new ModelCatalog(model -> {
        asked.add(model);
        return CompletableFuture.completedFuture(upstream.getOrDefault(model, 404));
    }, () -> {
        listed.add("list");
        return CompletableFuture.completedFuture(list);
    }, Clock.systemUTC());

    @Test
    void aModelTheUpstreamHasIsServedAndAskedForOnce() {
        assertThat(catalog.serves("gpt-4o-mini").join()).isTrue();
        assertThat(catalog.serves("gpt-4o-mini").join()).isTrue();

        assertThat(asked).containsExactly("gpt-4o-mini");
    }

    @Test
    void aModelTheUpstreamDoesNotHaveIsNotServedAndTheAnswerIsRemembered() {
        assertThat(catalog.serves("made-up").join()).isFalse();
        assertThat(catalog.serves("made-up").join()).isFalse();

        assertThat(asked).containsExactly("made-up");
    }

    @Test
    void aModelOnlyTheListNamesIsServedAndTheListIsReadOnceForManyUnknownNames() {
        assertThat(catalog.serves("listed-only").join()).isTrue();
        assertThat(catalog.serves("made-up-1").join()).isFalse();
        assertThat(catalog.serves("made-up-2").join()).isFalse();

        assertThat(listed).hasSize(1);
    }

    @Test
    void aModelIsLetThroughWhenNeitherTheModelNorTheListCanBeRead() {
        list = Optional.empty();

        assertThat(catalog.serves("made-up").join()).isTrue();
    }

    @Test
    void aModelIsLetThroughWhileTheUpstreamCannotSay() {
        assertThat(catalog.serves("flaky").join()).isTrue();
    }

    @Test
    void anIllFormedOrOverlongNameIsNeverServedNorAskedFor() {
        assertThat(catalog.serves("x".repeat(257)).join()).isFalse();
        assertThat(catalog.serves("bad name\n").join()).isFalse();

        assertThat(asked).isEmpty();
    }
}
