package dev.sluice.devstack.deploy;

import dev.sluice.common.events.JobEvent;
import dev.sluice.common.messaging.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parses every YAML document under {@code k8s/} with the fabric8 Kubernetes model and checks what a deployment of
 * Sluice must keep true: core kinds parse into their typed classes with no unknown field (a misspelt field would be
 * dropped by the API server without a word), probes on every container with liveness on {@code /health}, resources,
 * a non-root read-only security context, pinned images, no secret in plain text, a KEDA cap under the job topic's
 * partitions, topics that match the code, and a PrometheusRule equal to {@code monitoring/alerts.yml}.
 */
class ManifestsTest {

    private static final Set<String> CORE_KINDS = Set.of("Namespace", "ConfigMap", "ServiceAccount", "Deployment",
            "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Secret");
    private static final Set<String> CUSTOM_KINDS = Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "ScaledObject",
            "PrometheusRule", "PodMonitor", "ServiceMonitor");
    private static final Pattern SECRET_LIKE_NAME = Pattern.compile("KEY|TOKEN|PASSWORD|SECRET");
    private static final Set<Integer> MANAGEMENT_PORTS = Set.of(9090, 9091);

    private static Path root;
    private static final List<Manifest> manifests = new ArrayList<>();

    /** One YAML document of a file under k8s/, parsed. */
    record Manifest(String source, String kind, Object resource) {
    }

    @BeforeAll
    static void parseEveryManifest() throws IOException {
        root = repositoryRoot();
        try (Stream<Path> files = Files.walk(root.resolve("k8s"))) {
            for (Path file : files.filter(ManifestsTest::isManifest).sorted().toList()) {
                List<String> documents = documentsOf(Files.readString(file));
                for (int index = 0; index < documents.size(); index++) {
                    String source = root.relativize(file) + "#" + (index + 1);
                    Object resource = Serialization.unmarshal(documents.get(index));
                    String kind = resource instanceof HasMetadata metadata ? metadata.getKind() : "?";
                    manifests.add(new Manifest(source, kind, resource));
                }
            }
        }
        assertThat(manifests).as("manifests under %s", root.resolve("k8s")).isNotEmpty();
    }

    @Test
    void everyCoreKindParsesIntoItsTypedClassAndEveryOtherIsAKnownCustomResource() {
        for (Manifest manifest : manifests) {
            if (CORE_KINDS.contains(manifest.kind())) {
                assertThat(manifest.resource()).as(manifest.source()).isNotInstanceOf(GenericKubernetesResource.class);
            } else {
                assertThat(manifest.kind()).as(manifest.source()).isIn(CUSTOM_KINDS);
                assertThat(manifest.resource()).as(manifest.source()).isInstanceOf(GenericKubernetesResource.class);
            }
        }
    }

    @Test
    void noTypedManifestHasAFieldTheModelDoesNotKnow() {
        List<String> unknown = new ArrayList<>();
        for (Manifest manifest : manifests) {
            if (!(manifest.resource() instanceof GenericKubernetesResource)) {
                collectUnknownFields(manifest.resource(), manifest.source() + " " + manifest.kind(), unknown);
            }
        }

        assertThat(unknown).isEmpty();
    }

    @Test
    void aMisspeltFieldIsCaught() {
        Object deployment = Serialization.unmarshal("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          image: x:1
                          livenessProbe:
                            httpGet: {path: /health, port: 8080}
                            periodSecond: 10
                """);
        List<String> unknown = new ArrayList<>();

        collectUnknownFields(deployment, "inline", unknown);

        assertThat(unknown).containsExactly(
                "inline.spec.template.spec.containers[0].livenessProbe: [periodSecond]");
    }

    @Test
    void everyContainerHasReadinessAndLivenessProbesAndLivenessIsHealth() {
        for (Manifest manifest : deployments()) {
            for (Container container : containersOf(manifest)) {
                String where = manifest.source() + " container " + container.getName();
                Probe liveness = container.getLivenessProbe();
                Probe readiness = container.getReadinessProbe();

                assertThat(liveness).as(where + " livenessProbe").isNotNull();
                assertThat(readiness).as(where + " readinessProbe").isNotNull();
                assertThat(liveness.getHttpGet()).as(where + " livenessProbe.httpGet").isNotNull();
                assertThat(liveness.getHttpGet().getPath()).as(where + " liveness path").isEqualTo("/health");
                assertThat(readiness.getHttpGet()).as(where + " readinessProbe.httpGet").isNotNull();
                assertThat(readiness.getHttpGet().getPath()).as(where + " readiness path").isEqualTo("/ready");
                Set<String> portNames = container.getPorts().stream().map(port -> port.getName())
                        .collect(Collectors.toSet());
                assertThat(portNames).as(where + " ports").contains(liveness.getHttpGet().getPort().getStrVal(),
                        readiness.getHttpGet().getPort().getStrVal());
            }
        }
    }

    @Test
    void everyContainerHasCpuAndMemoryRequestsAndLimits() {
        for (Manifest manifest : deployments()) {
            for (Container container : containersOf(manifest)) {
                String where = manifest.source() + " container " + container.getName();

                assertThat(container.getResources()).as(where + " resources").isNotNull();
                assertThat(container.getResources().getRequests()).as(where + " requests")
                        .containsKeys("cpu", "memory");
                assertThat(container.getResources().getLimits()).as(where + " limits").containsKeys("cpu", "memory");
            }
        }
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithNoCapabilities() {
        for (Manifest manifest : deployments()) {
            PodSpec pod = ((Deployment) manifest.resource()).getSpec().getTemplate().getSpec();
            PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext())
                    .orElseGet(PodSecurityContext::new);
            for (Container container : containersOf(manifest)) {
                String where = manifest.source() + " container " + container.getName();
                SecurityContext context = container.getSecurityContext();

                assertThat(context).as(where + " securityContext").isNotNull();
                assertThat(firstNonNull(context.getRunAsNonRoot(), podContext.getRunAsNonRoot()))
                        .as(where + " runAsNonRoot").isTrue();
                assertThat(context.getReadOnlyRootFilesystem()).as(where + " readOnlyRootFilesystem").isTrue();
                assertThat(context.getAllowPrivilegeEscalation()).as(where + " allowPrivilegeEscalation").isFalse();
                assertThat(context.getCapabilities()).as(where + " capabilities").isNotNull();
                assertThat(context.getCapabilities().getDrop()).as(where + " capabilities.drop").contains("ALL");
                assertThat(context.getCapabilities().getAdd()).as(where + " capabilities.add").isNullOrEmpty();
                var seccomp = firstNonNull(context.getSeccompProfile(), podContext.getSeccompProfile());
                assertThat(seccomp).as(where + " seccompProfile").isNotNull();
                assertThat(seccomp.getType()).as(where + " seccompProfile.type").isEqualTo("RuntimeDefault");
                assertThat(container.getVolumeMounts()).as(where + " a writable /tmp")
                        .extracting(VolumeMount::getMountPath).contains("/tmp");
            }
        }
    }

    @Test
    void everyImageIsPinnedToATagThatIsNotLatest() {
        for (Manifest manifest : deployments()) {
            for (Container container : containersOf(manifest)) {
                String image = container.getImage();
                String name = image.substring(image.lastIndexOf('/') + 1);
                boolean digest = name.contains("@sha256:");
                String tag = name.contains(":") && !digest ? name.substring(name.indexOf(':') + 1) : "";

                assertThat(digest || !tag.isEmpty()).as(manifest.source() + " image " + image + " has a tag").isTrue();
                assertThat(tag).as(manifest.source() + " image " + image).isNotEqualTo("latest");
            }
        }
        List<Map<String, Object>> overrides = listOf(kustomization().get("images"));
        for (Map<String, Object> override : overrides) {
            assertThat(override.containsKey("newTag") || override.containsKey("digest"))
                    .as("kustomization.yaml pins " + override.get("name") + " by newTag or digest").isTrue();
            assertThat(override.get("newTag")).as("kustomization.yaml newTag of " + override.get("name"))
                    .isNotEqualTo("latest");
        }
    }

    @Test
    void noSecretIsKeptInTheManifests() {
        for (Manifest manifest : manifests) {
            if (manifest.resource() instanceof Secret secret) {
                assertThat(secret.getData()).as(manifest.source() + " data").isNullOrEmpty();
                assertThat(secret.getStringData()).as(manifest.source() + " stringData").isNullOrEmpty();
            }
        }
    }

    @Test
    void noVariableThatLooksLikeASecretHasALiteralValueAndEveryFileVariableNamesAMountedFile() {
        for (Manifest manifest : deployments()) {
            for (Container container : containersOf(manifest)) {
                String where = manifest.source() + " container " + container.getName();
                List<String> mounts = container.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
                for (EnvVar variable : container.getEnv()) {
                    if (!SECRET_LIKE_NAME.matcher(variable.getName()).find() || variable.getValue() == null) {
                        continue;
                    }
                    // a *_FILE variable holds a path, not a secret: it must point into a mounted volume
                    assertThat(variable.getName()).as(where + " " + variable.getName() + " has a literal value")
                            .endsWith("_FILE");
                    assertThat(mounts).as(where + " " + variable.getName() + " points into a mount")
                            .anyMatch(mount -> variable.getValue().startsWith(mount + "/"));
                }
            }
        }
        for (Manifest manifest : manifests) {
            if (manifest.resource() instanceof ConfigMap config && config.getData() != null) {
                assertThat(config.getData().keySet()).as(manifest.source() + " keys")
                        .noneMatch(key -> SECRET_LIKE_NAME.matcher(key).find() && !key.endsWith("_FILE"));
            }
        }
    }

    @Test
    void kedaNeverScalesTheWorkersPastTheJobTopicsPartitionsNorToZero() {
        Map<String, Integer> partitions = topicPartitions();
        List<Manifest> scaledObjects = ofKind("ScaledObject");
        assertThat(scaledObjects).isNotEmpty();
        for (Manifest manifest : scaledObjects) {
            Map<String, Object> spec = spec(manifest);
            int maxReplicas = ((Number) spec.get("maxReplicaCount")).intValue();
            int minReplicas = ((Number) spec.get("minReplicaCount")).intValue();
            List<Map<String, Object>> triggers = listOf(spec.get("triggers"));

            assertThat(minReplicas).as(manifest.source() + " minReplicaCount").isBetween(1, maxReplicas);
            assertThat(triggers).as(manifest.source() + " triggers").isNotEmpty();
            for (Map<String, Object> trigger : triggers) {
                Map<String, Object> metadata = mapOf(trigger.get("metadata"));
                String topic = (String) metadata.get("topic");

                assertThat(trigger.get("type")).as(manifest.source() + " trigger type").isEqualTo("kafka");
                assertThat(partitions).as(manifest.source() + " trigger topic").containsKey(topic);
                assertThat(maxReplicas).as(manifest.source() + " maxReplicaCount against " + topic)
                        .isLessThanOrEqualTo(partitions.get(topic));
                assertThat(metadata.get("consumerGroup")).as(manifest.source() + " consumerGroup of " + topic)
                        .isEqualTo(Topics.JOBS_BULK.equals(topic) ? workerGroup() + "-bulk" : workerGroup());
            }
        }
    }

    @Test
    void theTopicsAreTheCodesAndTheJobTopicsHaveTheConfiguredPartitions() {
        Map<String, Integer> partitions = topicPartitions();
        int configured = Integer.parseInt(configData().get("SLUICE_JOBS_PARTITIONS"));

        assertThat(partitions).containsOnlyKeys(Topics.JOBS, Topics.JOBS_BULK, Topics.JOBS_DEAD_LETTER,
                JobEvent.TOPIC);
        assertThat(partitions.get(Topics.JOBS)).isEqualTo(configured);
        assertThat(partitions.get(Topics.JOBS_BULK)).isEqualTo(configured);
        assertThat(partitions.get(JobEvent.TOPIC)).isEqualTo(configured);
    }

    @Test
    void thePrometheusRuleCarriesExactlyTheGroupsOfTheAlertFile() throws IOException {
        Map<?, ?> alerts = Serialization.yamlMapper()
                .readValue(Files.readString(root.resolve("monitoring/alerts.yml")), Map.class);
        List<Manifest> rules = ofKind("PrometheusRule");

        assertThat(rules).hasSize(1);
        assertThat(spec(rules.get(0)).get("groups")).isEqualTo(alerts.get("groups"));
    }

    @Test
    void managementPortsAreOpenOnlyToTheMonitoringNamespace() {
        List<Manifest> policies = ofKind("NetworkPolicy");
        assertThat(policies).isNotEmpty();
        for (Manifest manifest : policies) {
            NetworkPolicy policy = (NetworkPolicy) manifest.resource();
            for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                boolean opensManagement = rule.getPorts().isEmpty() || rule.getPorts().stream()
                        .map(NetworkPolicyPort::getPort).anyMatch(port -> port != null && port.getIntVal() != null
                                && MANAGEMENT_PORTS.contains(port.getIntVal()));
                if (!opensManagement) {
                    continue;
                }
                assertThat(rule.getFrom()).as(manifest.source() + " management port peers").isNotEmpty()
                        .allMatch(ManifestsTest::isMonitoringNamespace);
            }
        }
    }

    @Test
    void theKustomizationListsEveryManifestFile() throws IOException {
        Set<String> listed = new TreeSet<>(listOf(kustomization().get("resources")).stream()
                .map(Object::toString).toList());
        Set<String> present;
        try (Stream<Path> files = Files.walk(root.resolve("k8s"))) {
            present = files.filter(ManifestsTest::isManifest)
                    .map(file -> root.resolve("k8s").relativize(file).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        assertThat(listed).isEqualTo(present);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** The test runs in devstack/; the manifests are at the repository's root. */
    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path candidate = here; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("k8s/kustomization.yaml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no k8s/kustomization.yaml in " + here + " or above");
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && !name.equals("kustomization.yaml");
    }

    /** The documents of a YAML stream, split on its "---" lines; empty (comment-only) documents left out. */
    private static List<String> documentsOf(String yaml) {
        List<String> documents = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            boolean hasContent = document.lines().map(String::strip)
                    .anyMatch(line -> !line.isEmpty() && !line.startsWith("#"));
            if (hasContent) {
                documents.add(document);
            }
        }
        return documents;
    }

    /**
     * Walks a parsed model object: every fabric8 model class keeps the fields it does not know in
     * getAdditionalProperties(), so any non-empty one is a field Kubernetes would not understand.
     */
    private static void collectUnknownFields(Object node, String path, List<String> unknown) {
        if (node instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + index++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> collectUnknownFields(value, path + "." + key, unknown));
            return;
        }
        if (node == null || !node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class || Modifier.isStatic(getter.getModifiers())) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + new TreeSet<>(extra.keySet().stream().map(Object::toString).toList()));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            collectUnknownFields(value, path + "." + field, unknown);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter + " on " + target.getClass(), e);
        }
    }

    private static List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(manifest -> manifest.kind().equals(kind)).toList();
    }

    private static List<Manifest> deployments() {
        List<Manifest> deployments = ofKind("Deployment");
        assertThat(deployments).as("Deployments under k8s/").hasSizeGreaterThanOrEqualTo(2);
        return deployments;
    }

    private static List<Container> containersOf(Manifest deployment) {
        PodSpec pod = ((Deployment) deployment.resource()).getSpec().getTemplate().getSpec();
        List<Container> containers = new ArrayList<>(pod.getContainers());
        assertThat(pod.getInitContainers()).as(deployment.source() + " initContainers (none expected)").isEmpty();
        assertThat(containers).as(deployment.source() + " containers").isNotEmpty();
        return containers;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Manifest manifest) {
        return (Map<String, Object>) ((GenericKubernetesResource) manifest.resource()).getAdditionalProperties()
                .get("spec");
    }

    /** Topic name → partitions, from the KafkaTopic resources. */
    private static Map<String, Integer> topicPartitions() {
        return ofKind("KafkaTopic").stream().collect(Collectors.toMap(
                topic -> (String) Objects.requireNonNullElse(spec(topic).get("topicName"),
                        ((HasMetadata) topic.resource()).getMetadata().getName()),
                topic -> ((Number) spec(topic).get("partitions")).intValue()));
    }

    private static Map<String, String> configData() {
        List<Manifest> configs = ofKind("ConfigMap");
        assertThat(configs).hasSize(1);
        return ((ConfigMap) configs.get(0).resource()).getData();
    }

    /** The workers' consumer group by default, from the worker's own settings (SLUICE_WORKER_GROUP). */
    private static String workerGroup() {
        try (InputStream settings = ManifestsTest.class.getResourceAsStream("/sluice-worker.yml")) {
            assertThat(settings).as("sluice-worker.yml on the test classpath").isNotNull();
            Matcher group = Pattern.compile("consumer-group: \\$\\{SLUICE_WORKER_GROUP:([^}]+)}")
                    .matcher(new String(settings.readAllBytes(), StandardCharsets.UTF_8));
            assertThat(group.find()).as("sluice.worker.consumer-group in sluice-worker.yml").isTrue();
            return group.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<?, ?> kustomization() {
        try {
            return Serialization.yamlMapper()
                    .readValue(Files.readString(root.resolve("k8s/kustomization.yaml")), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isMonitoringNamespace(NetworkPolicyPeer peer) {
        return peer.getNamespaceSelector() != null && peer.getIpBlock() == null
                && "monitoring".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> listOf(Object value) {
        return value == null ? List.of() : (List<T>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapOf(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static <T> T firstNonNull(T first, T second) {
        return first != null ? first : second;
    }
}
