package dev.netcode.boot.autoconfigure;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated configuration metadata of {@code netcode.fleet}. */
class NetcodeFleetPropertiesMetadataTests {

    @Test
    void fleetPropertiesAreDescribedWithTheirDefaults() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach((p) -> byName.put(p.get("name").asString(), p));
        Map<String, String> defaults = Map.of("netcode.fleet.directory", "none", "netcode.fleet.time-to-live", "3s",
                "netcode.fleet.heartbeat-interval", "1s", "netcode.fleet.policy", "pack",
                "netcode.fleet.fallback-servers", "2", "netcode.fleet.retry-after", "5s",
                "netcode.fleet.redis.key-prefix", "netcode:{fleet}:");
        assertThat(byName).containsKeys(defaults.keySet().toArray(String[]::new))
            .containsKeys("netcode.fleet.server-id", "netcode.fleet.region", "netcode.fleet.labels");
        defaults.forEach((name, value) -> assertThat(byName.get(name).path("defaultValue").asString()).as(name)
            .isEqualTo(value));
        byName.forEach((name, property) -> {
            if (name.startsWith("netcode.fleet.")) {
                assertThat(property.path("description").asString()).as(name).isNotBlank();
            }
        });
        assertThat(byName.get("netcode.fleet.directory").path("description").asString())
            .contains("spring-boot-starter-data-redis");
    }

}
