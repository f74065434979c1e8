package dev.sluice.devstack.ops;

import dev.sluice.common.json.SluiceJson;
import dev.sluice.devstack.cli.Options;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./sluice dlq list [--limit=N]} and {@code ./sluice dlq replay <job id>... | --all}: the admin API's
 * dead-letter endpoints from a terminal. The api is {@code --api=} or SLUICE_API_URL (default http://127.0.0.1:8080);
 * the token is SLUICE_ADMIN_TOKEN or the file SLUICE_ADMIN_TOKEN_FILE names.
 */
public final class DeadLetterCommand {

    private static final String USAGE = """
            usage: sluice dlq list [--limit=100] [--api=http://127.0.0.1:8080]
                   sluice dlq replay <job id>... | --all [--api=...]
            The admin token comes from SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_TOKEN_FILE.
            """;

    private DeadLetterCommand() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (Options.asksForHelp(args)) {
            System.out.print(USAGE);
            return;
        }
        Map<String, String> env = System.getenv();
        Options given = Options.orExit("dlq", System.err,
                () -> Options.parse(List.of(args), Set.of("api", "limit"), Set.of("all"), true));
        String api = given.text("api", env.getOrDefault("SLUICE_API_URL", "http://127.0.0.1:8080"));
        int limit = Options.orExit("dlq", System.err, () -> (int) given.number("limit", 100, 1, Integer.MAX_VALUE));
        boolean all = given.has("all");
        List<String> operands = given.operands();
        String command = operands.isEmpty() ? "" : operands.get(0);
        List<String> ids = operands.isEmpty() ? List.of() : operands.subList(1, operands.size());
        if (!command.equals("list") && !command.equals("replay")) {
            fail("");
        }
        String token = token(env);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        switch (command) {
            case "list" -> list(http, api, token, limit);
            case "replay" -> {
                if (all == !ids.isEmpty()) {
                    fail("replay needs job ids or --all");
                }
                replay(http, api, token, all, ids);
            }
            default -> fail("");
        }
    }

    private static void list(HttpClient http, String api, String token, int limit) throws IOException, InterruptedException {
        JsonNode letters = call(http, HttpRequest.newBuilder(URI.create(api + "/admin/dead-letters?limit=" + limit)).GET(), token);
        System.out.printf("%-32s %-22s %-8s %-24s %s%n", "job", "dead-lettered at", "attempts", "from", "reason");
        for (JsonNode letter : letters.path("data")) {
            String from = letter.path("original_topic").asString("?") + "-" + letter.path("original_partition").asString("?")
                    + "@" + letter.path("original_offset").asString("?");
            System.out.printf("%-32s %-22s %-8s %-24s %s%n", letter.path("job_id").asString("(unreadable)"),
                    letter.path("dead_lettered_at").asString("").replaceFirst("\\.\\d+Z$", "Z"),
                    letter.path("failed_attempts").isNull() ? "-" : letter.path("failed_attempts").asString(),
                    from, letter.path("reason").asString(""));
        }
        System.out.printf("%d dead letter(s)%n", letters.path("count").asInt());
    }

    private static void replay(HttpClient http, String api, String token, boolean all, List<String> ids)
            throws IOException, InterruptedException {
        ObjectNode body = SluiceJson.mapper().createObjectNode();
        if (all) {
            body.put("all", true);
        } else {
            body.set("job_ids", SluiceJson.mapper().valueToTree(ids));
        }
        JsonNode result = call(http, HttpRequest.newBuilder(URI.create(api + "/admin/dead-letters/replay"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SluiceJson.mapper().writeValueAsString(body))), token);
        for (JsonNode job : result.path("jobs")) {
            System.out.printf("%-32s %-9s %s%n", job.path("job_id").asString(), job.path("replayed").asBoolean() ? "replayed" : "skipped",
                    job.path("detail").asString(""));
        }
        System.out.printf("%d replayed, %d skipped%n", result.path("replayed").asInt(), result.path("skipped").asInt());
    }

    private static JsonNode call(HttpClient http, HttpRequest.Builder request, String token) throws IOException, InterruptedException {
        HttpRequest built = request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            System.err.println("sluice dlq: cannot reach the api at " + built.uri() + " (" + e + "); set --api= or SLUICE_API_URL");
            System.exit(1);
            return null;
        }
        if (response.statusCode() != 200) {
            System.err.println("sluice dlq: the api answered " + response.statusCode() + ": " + response.body());
            System.exit(1);
        }
        return SluiceJson.mapper().readTree(response.body());
    }

    private static String token(Map<String, String> env) throws IOException {
        String file = env.get("SLUICE_ADMIN_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return Files.readString(Path.of(file)).strip();
        }
        String token = env.get("SLUICE_ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            fail("set SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_TOKEN_FILE");
        }
        return token;
    }

    private static void fail(String message) {
        if (!message.isEmpty()) {
            System.err.println("sluice dlq: " + message);
        }
        System.err.print(USAGE);
        System.exit(2);
    }
}
