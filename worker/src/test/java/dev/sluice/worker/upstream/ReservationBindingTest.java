package dev.sluice.worker.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ReservationBindingTest {

    @Test
    void openAiIsTheDefaultAndATargetTakesThePrimarysUnlessItHasItsOwn() {
        UpstreamProperties properties = bind(Map.of(
                "sluice.upstream.targets[0].name", "second", "sluice.upstream.targets[0].base-url", "http://b/v1",
                "sluice.upstream.targets[1].name", "vllm", "sluice.upstream.targets[1].base-url", "http://c/v1",
                "sluice.upstream.targets[1].reservation", "tiktoken"));

        assertThat(properties.reservation()).isEqualTo(ReservationModel.OPENAI);
        assertThat(properties.forTarget(properties.targets().get(0)).reservation()).isEqualTo(ReservationModel.OPENAI);
        assertThat(properties.forTarget(properties.targets().get(1)).reservation())
                .isEqualTo(ReservationModel.TIKTOKEN);
    }

    @Test
    void thePrimarysModelIsTheDefaultOfEveryTarget() {
        UpstreamProperties properties = bind(Map.of("sluice.upstream.reservation", "TIKTOKEN",
                "sluice.upstream.targets[0].name", "second", "sluice.upstream.targets[0].base-url", "http://b/v1"));

        assertThat(properties.forTarget(properties.targets().get(0)).reservation())
                .isEqualTo(ReservationModel.TIKTOKEN);
    }

    @Test
    void anUnknownModelStopsStartUp() {
        assertThatThrownBy(() -> bind(Map.of("sluice.upstream.reservation", "characters")))
                .isInstanceOf(BindException.class);
    }

    private static UpstreamProperties bind(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("sluice.upstream.name", "primary",
                "sluice.upstream.base-url", "http://a/v1", "sluice.upstream.timeout", "60s",
                "sluice.upstream.connect-timeout", "10s", "sluice.upstream.max-response-size", "16MB"));
        values.putAll(extra);
        return new Binder(new MapConfigurationPropertySource(values)).bind("sluice.upstream", UpstreamProperties.class)
                .get();
    }
}
