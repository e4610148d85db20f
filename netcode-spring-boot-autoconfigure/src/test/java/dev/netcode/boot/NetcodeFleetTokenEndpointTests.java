package dev.netcode.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.fleet.FleetRequest;
import dev.netcode.fleet.FleetServer;
import dev.netcode.fleet.InMemoryServerDirectory;
import dev.netcode.fleet.ServerAnnouncement;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token endpoint of an issuer in a fleet (in-memory directory, no game server of its own), over
 * real HTTP: servers chosen by room, policy and region, a slot reserved per player, 503 when none
 * has room.
 */
@SpringBootTest(classes = NetcodeFleetTokenEndpointTests.IssuerApplication.class,
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.private-key=" + NetcodeStarterEndToEndTests.KEY_HEX,
                "netcode.protocol-id=" + NetcodeFleetTokenEndpointTests.PROTOCOL_ID, "netcode.server.enabled=false",
                "netcode.fleet.directory=in-memory", "netcode.fleet.retry-after=7",
                // Servers announced by the tests never heartbeat.
                "netcode.fleet.time-to-live=1h",
                "netcode.token.rate-limit.enabled=false", "netcode.token.address-rate-limit.enabled=false" })
class NetcodeFleetTokenEndpointTests {

    static final String PROTOCOL_ID = "0x4e4554434f444531";

    static final String PASSWORD = "fleet players";

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private InMemoryServerDirectory directory;

    @BeforeEach
    void emptyFleet() {
        for (FleetServer server : this.directory.servers()) {
            this.directory.withdraw(server.serverId());
        }
    }

    @Test
    void fullFleetAnswers503WithTheConfiguredRetryAfterAndAReasonAndNoToken() throws Exception {
        announce("full-1", 50001, 2, Map.of(), 101, 102);
        HttpResponse<String> response = token("alice", "");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode problem = this.json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("reason").asString()).isEqualTo("fleet-full");
        assertThat(problem.has("token")).isFalse();
        assertThat(this.directory.servers().get(0).reservedSlots()).isZero();
    }

    @Test
    void regionParameterOnlyGetsServersOfThatRegion() throws Exception {
        announce("eu-1", 50011, 10, Map.of("region", "eu"));
        announce("us-1", 50012, 10, Map.of("region", "us"));
        announce("us-2", 50013, 10, Map.of("region", "us"));
        JsonNode us = this.json.readTree(ok(token("alice", "?region=us")));
        assertThat(us.get("servers").valueStream().map(JsonNode::asString).toList())
            .containsExactlyInAnyOrder("127.0.0.1:50012", "127.0.0.1:50013");
        JsonNode any = this.json.readTree(ok(token("bob", "")));
        assertThat(any.get("servers")).hasSize(3);
        HttpResponse<String> elsewhere = token("carol", "?region=ap");
        assertThat(elsewhere.statusCode()).isEqualTo(503);
        assertThat(this.json.readTree(elsewhere.body()).get("detail").asString()).contains("region=ap");
    }

    @Test
    void tokenListsTheReservedServerFirstThenFallbacksWithRoomInPolicyOrder() throws Exception {
        // pack: the fullest with room first. Free slots: a 5, b 8, c 2, d 0.
        announce("a", 50021, 10, Map.of(), ids(200, 5));
        announce("b", 50022, 10, Map.of(), ids(300, 2));
        announce("c", 50023, 10, Map.of(), ids(400, 8));
        announce("d", 50024, 10, Map.of(), ids(500, 10));
        JsonNode body = this.json.readTree(ok(token("alice", "")));
        List<String> servers = body.get("servers").valueStream().map(JsonNode::asString).toList();
        assertThat(servers).containsExactly("127.0.0.1:50023", "127.0.0.1:50021", "127.0.0.1:50022");
        ConnectToken token = ConnectToken.read(Base64.getDecoder().decode(body.get("token").asString()));
        assertThat(token.serverAddresses().stream().map(NetcodeAddress::toString).toList()).isEqualTo(servers);
        assertThat(reserved()).isEqualTo(Map.of("a", 0, "b", 0, "c", 1, "d", 0));

        // The reservation lasts exactly as long as the token: asking again with an earlier expiry keeps it.
        long alice = PrincipalNameClientIdResolver.clientIdOf("alice");
        Instant expiresAt = Instant.ofEpochSecond(token.expireTimestamp());
        assertThat(this.directory.reserve(FleetRequest.of(token.protocolId(), alice, Instant.now())).get().expiresAt())
            .isEqualTo(expiresAt);
    }

    @Test
    void twoTokensForOnePlayerTakeOneSlotAndNoTokenListsAServerWithoutRoom() throws Exception {
        announce("small", 50031, 2, Map.of());
        String first = this.json.readTree(ok(token("alice", ""))).get("servers").get(0).asString();
        String second = this.json.readTree(ok(token("alice", ""))).get("servers").get(0).asString();
        assertThat(first).isEqualTo(second).isEqualTo("127.0.0.1:50031");
        assertThat(reserved()).isEqualTo(Map.of("small", 1));
        assertThat(token("bob", "").statusCode()).isEqualTo(200);
        assertThat(reserved()).isEqualTo(Map.of("small", 2));
        assertThat(token("carol", "").statusCode()).isEqualTo(503);
        assertThat(token("alice", "").statusCode()).as("alice keeps her slot").isEqualTo(200);
    }

    private void announce(String id, int port, int maxClients, Map<String, String> labels, long... connected) {
        Set<Long> clients = new HashSet<>();
        for (long client : connected) {
            clients.add(client);
        }
        this.directory.announce(new ServerAnnouncement(id, Long.decode(PROTOCOL_ID),
                List.of(NetcodeAddress.parse("127.0.0.1:" + port)), maxClients, clients, labels, Instant.now()));
    }

    private static long[] ids(long first, int count) {
        long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            ids[i] = first + i;
        }
        return ids;
    }

    private Map<String, Integer> reserved() {
        Map<String, Integer> reserved = new TreeMap<>();
        for (FleetServer server : this.directory.servers()) {
            reserved.put(server.serverId(), server.reservedSlots());
        }
        return reserved;
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> token(String user, String query) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/netcode/token" + query))
            .header("Accept", "application/json")
            .header("Authorization", "Basic " + credentials)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class IssuerApplication {

        /** Every name is a player, with one password. */
        @Bean
        UserDetailsService players() {
            return (name) -> User.withUsername(name).password("{noop}" + PASSWORD).roles("PLAYER").build();
        }

    }

}
