package dev.sluice.api.jobs;

import java.util.Optional;

/** Which model names the configured upstream serves; a job for any other is refused with {@code model_not_found}. */
interface ServedModels {

    /** Every well-formed name: when nothing is configured and no worker has said what it serves yet. */
    ServedModels ANY = model -> Optional.empty();

    /** Empty when the model is served; otherwise why not, listing what is served. */
    Optional<String> refusal(String model);
}
