package dev.netcode.boot.autoconfigure;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.token.ConnectTokenRateLimiter;
import dev.netcode.boot.token.TestClock;
import dev.netcode.server.ServerConfig;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeProperties} and its generated configuration metadata. */
class NetcodePropertiesTests {

    private final TestClock clock = new TestClock();

    @Test
    void defaultsSuitAnEmbeddedDevelopmentServer() {
        NetcodeProperties properties = bind(Map.of());
        assertThat(properties.getPrivateKey()).isNull();
        assertThat(properties.getServer().getBindAddress()).isEqualTo("127.0.0.1:40000");
        assertThat(properties.getServer().getPublicAddresses()).isEmpty();
        assertThat(properties.getServer().getMaxClients()).isEqualTo(256);
        assertThat(properties.getServer().getMaxConnectTokenLifetime()).isNull();
        assertThat(properties.getServer().getSocketBufferSize()).isEqualTo(DataSize.ofMegabytes(4));
        assertThat(properties.getServer().getWarmUp()).isEqualTo(ServerConfig.DEFAULT_WARM_UP);
        assertThat(properties.getToken().getPath()).isEqualTo("/netcode/token");
        assertThat(properties.getToken().getExpiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.getToken().getTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.getToken().getRateLimit().isEnabled()).isTrue();
        assertThat(properties.getToken().getRateLimit().getRequestsPerMinute()).isEqualTo(4);
        assertThat(properties.getToken().getAddressRateLimit().isEnabled()).isTrue();
        assertThat(properties.getToken().getAddressRateLimit().getRequestsPerMinute()).isEqualTo(60);
        assertThat(properties.getToken().getAddressRateLimit().getMaxAddresses()).isEqualTo(10_000);
        assertThat(properties.getListener().getQueueCapacity()).isEqualTo(256);
        assertThat(properties.getEndpoint().getRole()).isEqualTo("NETCODE_ADMIN");
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
                "netcode.server.max-connect-token-lifetime", "netcode.server.socket-buffer-size", "netcode.server.warm-up",
                "netcode.server.transport", "netcode.token.path", "netcode.token.expiry",
                "netcode.token.timeout", "netcode.token.rate-limit.enabled",
                "netcode.token.rate-limit.requests-per-minute", "netcode.token.address-rate-limit.enabled",
                "netcode.token.address-rate-limit.requests-per-minute", "netcode.token.address-rate-limit.max-addresses",
                "netcode.listener.threads", "netcode.listener.queue-capacity", "netcode.listener.max-queued-bytes",
                "netcode.listener.shutdown-timeout", "netcode.endpoint.role");
        byName.forEach((name, property) -> assertThat(property.path("description").asString()).as(name).isNotBlank());
        assertThat(byName.get("netcode.private-key").has("defaultValue")).isFalse();
        assertThat(byName.get("netcode.server.enabled")).isNotNull();
        assertThat(byName.get("netcode.server.warm-up").path("defaultValue").asString()).isEqualTo("300ms");
        assertThat(byName.get("netcode.server.transport").path("defaultValue").asString()).isEqualTo("auto");
        assertThat(byName.get("netcode.server.transport").path("type").asString())
                .isEqualTo("dev.netcode.transport.TransportSelection");
    }

    @Test
    void fillingADefaultServersTablesTakesMoreAccountsThanItHasSlots() {
        NetcodeProperties defaults = new NetcodeProperties();
        int maxClients = defaults.getServer().getMaxClients();
        Duration expiry = defaults.getToken().getExpiry();
        // Every token a server sees holds a token-history entry until it expires: an account holds as
        // many entries as the issuer's per-user limit lets it obtain within one token lifetime.
        long tokensPerAccount = mostTokensWithin(expiry,
                new ConnectTokenRateLimiter(defaults.getToken().getRateLimit().getRequestsPerMinute(), this.clock));
        long accountsToFillHistory = ceilDiv(ServerConfig.tokenHistoryCapacity(maxClients), tokensPerAccount);
        assertThat(accountsToFillHistory).as("accounts that fill the token history (%d tokens each)", tokensPerAccount)
            .isGreaterThanOrEqualTo(maxClients);
        // An account's newer handshake evicts its older one, so each holds one pending encryption mapping.
        long accountsToFillMappings = ServerConfig.encryptionMappingCapacity(maxClients)
                / ServerConfig.MAX_PENDING_PER_CLIENT_ID;
        assertThat(accountsToFillMappings).isGreaterThanOrEqualTo(maxClients);
    }

    /**
     * The most requests {@code limiter} lets one key make within any {@code window} (both ends
     * included), asking as often as every 10 ms for three minutes from a fresh start.
     */
    private long mostTokensWithin(Duration window, ConnectTokenRateLimiter limiter) {
        List<Instant> granted = new ArrayList<>();
        Instant end = this.clock.instant().plus(Duration.ofMinutes(3));
        while (this.clock.instant().isBefore(end)) {
            if (limiter.tryAcquire("attacker") == 0) {
                granted.add(this.clock.instant());
            }
            this.clock.advance(Duration.ofMillis(10));
        }
        long most = 0;
        for (Instant start : granted) {
            most = Math.max(most, granted.stream().filter((t) -> !t.isBefore(start) && !t.isAfter(start.plus(window))).count());
        }
        return most;
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }

    private static NetcodeProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("netcode", NetcodeProperties.class);
    }
}
