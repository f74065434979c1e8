package dev.sluice.devstack.it;

import dev.sluice.common.jobs.JobStatus;
import dev.sluice.common.tenants.TenantId;
import dev.sluice.devstack.simulator.ModelQuirk;
import dev.sluice.devstack.simulator.UpstreamSimulator;
import dev.sluice.devstack.workers.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metrics an operator alerts on, scraped from {@code /actuator/prometheus} on the management ports of the api (the
 * test stack's) and of a worker JVM (the production jar, with the tenant label on so this test's jobs can be told from
 * any other's): jobs that succeed (one from the response cache), one the upstream refuses, one the upstream answers
 * 429 until it is cancelled. The server ports do not serve the scrape.
 */
class MetricsIT {

    private static final int DISTINCT_JOBS = 5;

    private static WorkerJvms workers;
    private static WorkerProcess worker;
    private static URI workerManagement;

    @BeforeAll
    static void startAWorkerJvmWithItsOwnManagementPort() throws Exception {
        int managementPort = freePort();
        workers = WorkerJvms.insteadOfTheStackWorker("metrics", Map.of("MANAGEMENT_PORT",
                Integer.toString(managementPort), "SLUICE_METRICS_TENANT_LABEL", "true",
                "SLUICE_COST_ALERT_USD_PER_DAY", "150"));
        worker = workers.start();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(worker::isReady);
        workerManagement = URI.create("http://127.0.0.1:" + managementPort);
    }

    @AfterAll
    static void endTheWorker() throws InterruptedException {
        WorkerJvms.endAndHealTheUpstream(workers);
    }

    @Test
    void jobsShowOnTheApisAndTheWorkersPrometheusScrapeOnTheirManagementPortsOnly() {
        SluiceClient client = TestStack.client();
        SluiceClient.Tenant tenant = client.newTenant("metrics");
        String tenantTag = TenantId.fromWire(tenant.id()).toString();
        UpstreamSimulator simulator = TestStack.simulator();
        String forbidden = "forbidden-" + UUID.randomUUID().toString().substring(0, 8);
        String limited = "limited-" + UUID.randomUUID().toString().substring(0, 8);
        simulator.behaviour().setModelQuirk(forbidden, ModelQuirk.FORBIDDEN_MODEL);
        simulator.behaviour().setModelQuirk(limited, ModelQuirk.RATE_LIMITED);
        double submittedBefore = apiScrape().sum("sluice_jobs_submitted_total", "kind", "single");
        String prompt = "metrics " + UUID.randomUUID();

        List<String> succeeding = new ArrayList<>();
        for (int index = 0; index < DISTINCT_JOBS; index++) {
            succeeding.add(submit(client, tenant, SluiceClient.chatJob(prompt + " " + index)));
        }
        succeeding.forEach(id -> client.awaitJob(id, tenant.apiKey()).atMost(Duration.ofSeconds(60))
                .until(JobStatus.SUCCEEDED));
        String fromCache = submit(client, tenant, SluiceClient.chatJob(prompt + " 0"));
        client.awaitJob(fromCache, tenant.apiKey()).atMost(Duration.ofSeconds(30)).until(JobStatus.SUCCEEDED);
        String refused = submit(client, tenant, withModel(SluiceClient.chatJob(prompt), forbidden));
        client.awaitJob(refused, tenant.apiKey()).atMost(Duration.ofSeconds(30)).until(JobStatus.FAILED);
        String rateLimited = submit(client, tenant, withModel(SluiceClient.chatJob(prompt), limited));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> workerScrape()
                .sum("sluice_upstream_rate_limited_total", "model", limited, "type", "requests") >= 1);
        assertThat(client.delete("/v1/jobs/" + rateLimited, tenant.apiKey()).status()).isEqualTo(200);

        double submitted = apiScrape().sum("sluice_jobs_submitted_total", "kind", "single") - submittedBefore;
        assertThat(submitted).isEqualTo(DISTINCT_JOBS + 3);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PrometheusScrape scrape = workerScrape();
            assertThat(scrape.sum("sluice_jobs_completed_total", "tenant", tenantTag, "status", "succeeded",
                    "reason", "none")).isEqualTo(DISTINCT_JOBS + 1);
            assertThat(scrape.sum("sluice_jobs_completed_total", "tenant", tenantTag, "status", "failed",
                    "reason", "rejected")).isEqualTo(1);
            assertThat(scrape.sum("sluice_jobs_completed_total", "tenant", tenantTag, "status", "cancelled",
                    "reason", "cancelled")).isEqualTo(1);
        });
        PrometheusScrape scrape = workerScrape();
        System.out.println("MetricsIT: the worker's scrape, sluice_* lines:\n" + scrape.text().lines()
                .filter(line -> line.startsWith("sluice_") && !line.contains("_bucket{"))
                .reduce("", (all, line) -> all + line + "\n"));
        System.out.println("MetricsIT: the api's scrape, sluice_* lines:\n" + apiScrape().text().lines()
                .filter(line -> line.startsWith("sluice_")).reduce("", (all, line) -> all + line + "\n"));
        assertThat(scrape.sum("sluice_job_duration_seconds_count", "status", "succeeded"))
                .isGreaterThanOrEqualTo(DISTINCT_JOBS + 1);
        assertThat(scrape.has("sluice_job_duration_seconds_bucket", "status", "succeeded", "le", "+Inf")).isTrue();
        assertThat(scrape.sum("sluice_upstream_latency_seconds_count", "model", "gpt-4o-mini", "outcome", "ok"))
                .isGreaterThanOrEqualTo(DISTINCT_JOBS);
        assertThat(scrape.has("sluice_upstream_latency_seconds_bucket", "model", "gpt-4o-mini", "outcome", "ok"))
                .isTrue();
        assertThat(scrape.sum("sluice_upstream_calls_total", "model", forbidden, "outcome", "rejected")).isEqualTo(1);
        assertThat(scrape.sum("sluice_upstream_calls_total", "model", limited, "outcome", "rate_limited"))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum("sluice_upstream_cost_usd_total", "model", "gpt-4o-mini", "tenant", tenantTag))
                .isPositive();
        assertThat(scrape.sum("sluice_upstream_tokens_total", "model", "gpt-4o-mini", "tenant", tenantTag,
                "kind", "completion")).isPositive();
        assertThat(scrape.sum("sluice_cost_alert_usd_per_day")).isEqualTo(150.0);
        assertThat(scrape.sum("sluice_cache_lookups_total", "result", "hit")).isGreaterThanOrEqualTo(1);
        assertThat(scrape.sum("sluice_budget_wait_seconds_count", "model", "gpt-4o-mini"))
                .isGreaterThanOrEqualTo(DISTINCT_JOBS);
        assertThat(scrape.sum("sluice_budget_granted_total", "model", "gpt-4o-mini", "limit", "requests"))
                .isGreaterThanOrEqualTo(DISTINCT_JOBS);
        assertThat(scrape.has("sluice_budget_limit", "model", "gpt-4o-mini", "limit", "requests")).isTrue();
        assertThat(scrape.has("sluice_kafka_consumer_lag", "group", "sluice-workers", "topic", "sluice.jobs")).isTrue();
        assertThat(scrape.has("sluice_kafka_consumer_lag", "group", "sluice-workers-bulk", "topic", "sluice.jobs.bulk"))
                .isTrue();
        assertThat(scrape.has("sluice_kafka_consumer_lag", "group", "sluice-webhooks", "topic", "sluice.job-events"))
                .isTrue();
        assertThat(scrape.has("sluice_retries_waiting")).isTrue();
        assertThat(scrape.has("sluice_dead_letters_total", "reason", "attempts_exhausted")).isTrue();
        assertThat(scrape.has("sluice_upstream_key_paused")).isTrue();
        assertThat(scrape.has("sluice_upstream_circuit_open", "model", "gpt-4o-mini")).isTrue();
        assertThat(PrometheusScrape.get(TestStack.get().apiUrl().resolve("/actuator/prometheus")).statusCode())
                .as("the api's server port").isNotEqualTo(200);
        assertThat(PrometheusScrape.get(worker.baseUrl().resolve("/actuator/prometheus")).statusCode())
                .as("the worker's server port").isNotEqualTo(200);
    }

    private static String submit(SluiceClient client, SluiceClient.Tenant tenant, String body) {
        SluiceClient.Reply reply = client.post("/v1/jobs", tenant.apiKey(), body);
        assertThat(reply.status()).isEqualTo(202);
        return reply.json().get("id").stringValue();
    }

    private static String withModel(String job, String model) {
        return job.replace("\"gpt-4o-mini\"", "\"" + model + "\"");
    }

    private static PrometheusScrape apiScrape() {
        String port = TestStack.get().apiContext().getEnvironment().getProperty("local.management.port");
        return PrometheusScrape.of(URI.create("http://127.0.0.1:" + port));
    }

    private static PrometheusScrape workerScrape() {
        return PrometheusScrape.of(workerManagement);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
