package dev.netcode.boot.autoconfigure;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated configuration metadata of {@code netcode.channels} and {@code netcode.messages}. */
class NetcodeChannelPropertiesMetadataTests {

    @Test
    void channelAndMessagePropertiesAreDescribedWithTheirDefaults() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated configuration metadata").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        metadata.get("properties").forEach((p) -> byName.put(p.get("name").asString(), p));
        assertThat(byName).containsKeys("netcode.channels", "netcode.messages.packet-budget",
                "netcode.messages.packets-per-flush", "netcode.messages.flush-interval",
                "netcode.messages.max-reliable-message-size");
        assertThat(byName.get("netcode.channels").path("description").asString())
            .contains("sorted alphabetically");
        byName.entrySet().stream()
            .filter((entry) -> entry.getKey().startsWith("netcode.channels") || entry.getKey().startsWith("netcode.messages"))
            .forEach((entry) -> assertThat(entry.getValue().path("description").asString()).as(entry.getKey()).isNotBlank());
        assertThat(byName.get("netcode.messages.packets-per-flush").path("defaultValue").asInt()).isEqualTo(4);
    }
}
