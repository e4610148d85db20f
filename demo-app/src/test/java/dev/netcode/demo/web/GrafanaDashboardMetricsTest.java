package dev.netcode.demo.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Grafana dashboard ({@code docs/grafana/netcode-dashboard.json}) charts only metrics the
 * application exports: every metric name in its PromQL expressions is among those a real demo
 * serves at the path {@code docs/prometheus/prometheus.yml} scrapes, once bots are connected (the
 * per-connection metrics exist only then). A misspelt or removed metric fails this test.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "demo.bots=3" })
class GrafanaDashboardMetricsTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "netcode-dashboard.json");
    private static final Path SCRAPE_CONFIG = Path.of("..", "docs", "prometheus", "prometheus.yml");
    /**
     * Words in PromQL that are not metric names (functions are followed by '(' and dropped anyway;
     * aggregations may be followed by "by (...)" instead).
     */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "and", "or", "unless", "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar",
            "topk", "bottomk", "quantile", "count_values");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(?!\\w)(\\s*\\()?");

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer server;

    @Test
    void everyMetricTheDashboardChartsIsExported() throws Exception {
        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asString());
            }
        }
        Set<String> charted = new TreeSet<>();
        expressions.forEach(expr -> charted.addAll(metricNames(expr)));
        assertThat(charted).as("metric names in %s", expressions).hasSizeGreaterThanOrEqualTo(10);

        await().atMost(Duration.ofSeconds(20)).until(() -> server.connectedClientCount() == 3);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(exportedNames()).as("exported metrics").containsAll(charted));
    }

    @Test
    void aNameTheApplicationDoesNotExportIsCaught() throws Exception {
        Set<String> names = metricNames("sum by (reason) (rate(netcode_server_packets_droped_total{job=\"x\"}[$__rate_interval]))"
                + " / ignoring (reason) group_left netcode_server_connections offset 5m");

        assertThat(names).containsExactlyInAnyOrder("netcode_server_packets_droped_total", "netcode_server_connections");
        assertThat(exportedNames()).contains("netcode_server_connections").doesNotContain("netcode_server_packets_droped_total");
    }

    /** The metric names in one PromQL expression: identifiers outside label matchers, ranges, strings and by/without lists. */
    static Set<String> metricNames(String expression) {
        String bare = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "$1")
            .replaceAll("\\boffset\\s+\\w+", "");
        Set<String> names = new TreeSet<>();
        Matcher matcher = IDENTIFIER.matcher(bare);
        while (matcher.find()) {
            String word = matcher.group().replaceAll("\\s*\\($", "");
            boolean isCall = matcher.group(1) != null;
            boolean isNumber = Character.isDigit(word.charAt(0));
            if (!isCall && !isNumber && !KEYWORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }

    /** The names of the samples at the path the scrape config names, fetched as Prometheus would (with its user). */
    @SuppressWarnings("unchecked")
    private Set<String> exportedNames() throws Exception {
        Map<String, Object> config = new Yaml().load(Files.readString(SCRAPE_CONFIG));
        Map<String, Object> job = ((List<Map<String, Object>>) config.get("scrape_configs")).get(0);
        Map<String, String> auth = (Map<String, String>) job.get("basic_auth");
        String credentials = auth.get("username") + ":" + auth.get("password");
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + job.get("metrics_path")))
                    .header("Authorization",
                            "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                    .header("Accept", "text/plain")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }
}
