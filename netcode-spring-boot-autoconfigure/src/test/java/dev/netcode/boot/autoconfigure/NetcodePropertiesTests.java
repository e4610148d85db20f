package dev.netcode.boot.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeProperties} and its generated configuration metadata. */
class NetcodePropertiesTests {

    @Test
    void defaultsSuitAnEmbeddedDevelopmentServer() {
        NetcodeProperties properties = bind(Map.of());
        assertThat(properties.getPrivateKey()).isNull();
        assertThat(properties.getServer().getBindAddress()).isEqualTo("127.0.0.1:40000");
        assertThat(properties.getServer().getPublicAddresses()).isEmpty();
        assertThat(properties.getServer().getMaxClients()).isEqualTo(256);
        assertThat(properties.getServer().getMaxConnectTokenLifetime()).isNull();
        assertThat(properties.getToken().getPath()).isEqualTo("/netcode/token");
        assertThat(properties.getToken().getExpiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.getToken().getTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.getToken().getRateLimit().isEnabled()).isTrue();
        assertThat(properties.getListener().getQueueCapacity()).isEqualTo(256);
        assertThat(properties.getListener().getMaxQueuedBytes()).isEqualTo(DataSize.ofMegabytes(16));
    }

    @Test
    void durationsWithoutUnitAreSecondsAndListsAreCommaSeparated() {
        Map<String, String> values = new HashMap<>();
        values.put("netcode.token.expiry", "45");
        values.put("netcode.token.timeout", "2m");
        values.put("netcode.server.max-connect-token-lifetime", "60");
        values.put("netcode.server.public-addresses", "203.0.113.7:40000,[2001:db8::1]:40000");
        NetcodeProperties properties = bind(values);
        assertThat(properties.getToken().getExpiry()).isEqualTo(Duration.ofSeconds(45));
        assertThat(properties.getToken().getTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.getServer().getMaxConnectTokenLifetime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(properties.getServer().getPublicAddresses()).containsExactly("203.0.113.7:40000",
                "[2001:db8::1]:40000");
    }

    @Test
    void everyPropertyIsDescribedInTheGeneratedMetadataAndTheKeyHasNoDefault() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach(p -> byName.put(p.get("name").asString(), p));
        assertThat(byName).containsKeys("netcode.protocol-id", "netcode.private-key", "netcode.server.bind-address",
                "netcode.server.public-addresses", "netcode.server.max-clients",
                "netcode.server.max-connect-token-lifetime", "netcode.token.path", "netcode.token.expiry",
                "netcode.token.timeout", "netcode.token.rate-limit.enabled",
                "netcode.token.rate-limit.requests-per-minute", "netcode.listener.threads",
                "netcode.listener.queue-capacity", "netcode.listener.max-queued-bytes",
                "netcode.listener.shutdown-timeout");
        byName.forEach((name, property) -> assertThat(property.path("description").asString()).as(name).isNotBlank());
        assertThat(byName.get("netcode.private-key").has("defaultValue")).isFalse();
        assertThat(byName.get("netcode.server.enabled")).isNotNull();
    }

    private static NetcodeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("netcode", NetcodeProperties.class);
    }
}
