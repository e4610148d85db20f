package dev.netcode.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.token.PrincipalNameClientIdResolver;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;
import dev.netcode.token.ConnectToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole starter in a real application: real HTTP to the secured token endpoint, real UDP to the
 * game server on 127.0.0.1, a {@code @NetcodeListener}, Spring events, and {@code /actuator/netcode} (role
 * {@code NETCODE_ADMIN}, read-only by default).
 */
@SpringBootTest(classes = NetcodeStarterEndToEndTests.GameApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.private-key=" + NetcodeStarterEndToEndTests.KEY_HEX,
                "netcode.protocol-id=0x4e4554434f444531", "netcode.server.bind-address=127.0.0.1:0",
                "netcode.token.timeout=5", "management.endpoints.web.exposure.include=*",
                "logging.level.dev.netcode=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class NetcodeStarterEndToEndTests {

    static final String KEY_HEX = "1f2e3d4c5b6a79880123456789abcdeffedcba98765432100f1e2d3c4b5a6978";
    static final String PASSWORD = "correct horse battery staple";

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer server;

    @Autowired
    private GameListener game;

    @Test
    void tokenConnectPayloadReplyActuatorAndDisconnect(CapturedOutput output) throws Exception {
        assertThat(post("/netcode/token", null, "application/json").statusCode()).isEqualTo(401);

        HttpResponse<String> issued = post("/netcode/token", "alice", "application/json");
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonNode body = json.readTree(issued.body());
        long aliceId = PrincipalNameClientIdResolver.clientIdOf("alice");
        assertThat(body.get("clientId").asString()).isEqualTo(Long.toUnsignedString(aliceId));
        assertThat(body.get("servers").get(0).asString()).isEqualTo(server.localAddress().toString());
        byte[] token = Base64.getDecoder().decode(body.get("token").asString());
        assertThat(token).hasSize(2048);
        ConnectToken parsed = ConnectToken.read(token);
        String[] sessionKeys = { Bytes.toHex(parsed.clientToServerKey()), Bytes.toHex(parsed.serverToClientKey()),
                Base64.getEncoder().encodeToString(parsed.clientToServerKey()),
                Base64.getEncoder().encodeToString(parsed.serverToClientKey()) };

        BlockingQueue<String> replies = new LinkedBlockingQueue<>();
        ClientEventHandler collect = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                replies.add(new String(buf, offset, length, StandardCharsets.UTF_8));
            }
        };
        try (NetcodeClient client = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"), collect)) {
            client.connect(token);
            assertThat(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000))
                    .isEqualTo(ClientState.CONNECTED);
            NetcodeSession session = game.connected.poll(5, TimeUnit.SECONDS);
            assertThat(session).isNotNull();
            assertThat(session.clientId()).isEqualTo(aliceId);

            client.sendPayload("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
            assertThat(game.payloads.poll(5, TimeUnit.SECONDS)).isEqualTo(aliceId + ":hello");
            assertThat(replies.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello");

            // A player may not see the others' addresses; the operator role may.
            assertThat(get("/actuator/netcode", null).statusCode()).isEqualTo(401);
            assertThat(get("/actuator/netcode", "alice").statusCode()).isEqualTo(403);
            HttpResponse<String> actuator = get("/actuator/netcode", "operator");
            assertThat(actuator.statusCode()).isEqualTo(200);
            JsonNode slots = json.readTree(actuator.body());
            assertThat(slots.get("connectedClients").asInt()).isEqualTo(1);
            assertThat(slots.get("clients").get(0).get("clientId").asString()).isEqualTo(Long.toUnsignedString(aliceId));
            assertThat(slots.get("clients").get(0).get("address").asString())
                    .isEqualTo(client.client().localAddress().toString());
            assertThat(actuator.body()).doesNotContainIgnoringCase(sessionKeys[0])
                    .doesNotContainIgnoringCase(sessionKeys[1]).doesNotContain(sessionKeys[2]).doesNotContain(sessionKeys[3]);

            // Read-only by default: not even the operator kicks without management.endpoint.netcode.access=unrestricted
            // (NetcodeEndpointDisconnectEndToEndTests): no such operation.
            int slot = slots.get("clients").get(0).get("index").asInt();
            assertThat(delete("/actuator/netcode/" + slot + "?clientId=" + Long.toUnsignedString(aliceId), "alice")
                    .statusCode()).isEqualTo(403);
            assertThat(delete("/actuator/netcode/" + slot + "?clientId=" + Long.toUnsignedString(aliceId), "operator")
                    .statusCode()).isEqualTo(404);
            assertThat(server.connectedClientCount()).isOne();

            client.disconnect();
            NetcodeClientDisconnectedEvent gone = game.disconnected.poll(5, TimeUnit.SECONDS);
            assertThat(gone).isNotNull();
            assertThat(gone.getReason()).isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
            assertThat(gone.getSession().clientId()).isEqualTo(aliceId);
        }
        assertThat(server.connectedClientCount()).isZero();
        assertThat(json.readTree(get("/actuator/netcode", "operator").body()).get("clients")).isEmpty();

        // The private key, in any form, appears in no actuator response and no log line; nor do the
        // session keys of the token (see also RELIABILITY.md, "Secrets").
        String base64Key = Base64.getEncoder().encodeToString(Bytes.fromHex(KEY_HEX));
        for (String path : new String[] { "/actuator/netcode", "/actuator/health", "/actuator/configprops",
                "/actuator/env", "/actuator/metrics/netcode.server.connections.accepted", "/actuator/beans" }) {
            HttpResponse<String> response = get(path, "operator");
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).doesNotContainIgnoringCase(KEY_HEX).doesNotContain(base64Key)
                    .doesNotContainIgnoringCase(sessionKeys[0]).doesNotContainIgnoringCase(sessionKeys[1])
                    .doesNotContain(sessionKeys[2]).doesNotContain(sessionKeys[3]);
        }
        // Both listings do show the property, masked, so the checks above would see a leak.
        assertThat(get("/actuator/env", "operator").body()).contains("netcode.private-key").contains("******");
        assertThat(output.getAll()).contains("client " + Long.toUnsignedString(aliceId) + " connected")
                .doesNotContainIgnoringCase(KEY_HEX).doesNotContain(base64Key)
                .doesNotContain(body.get("token").asString().substring(0, 40))
                .doesNotContainIgnoringCase(sessionKeys[0]).doesNotContainIgnoringCase(sessionKeys[1])
                .doesNotContain(sessionKeys[2]).doesNotContain(sessionKeys[3]);
    }

    private HttpResponse<String> post(String path, String user, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).POST(HttpRequest.BodyPublishers.noBody());
        return http.send(authorize(request, user).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        return http.send(authorize(request, user).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).DELETE();
        return http.send(authorize(request, user).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorize(HttpRequest.Builder request, String user) {
        if (user != null) {
            String credentials = user + ":" + PASSWORD;
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class GameApplication {

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}" + PASSWORD).roles("PLAYER").build(),
                    User.withUsername("operator").password("{noop}" + PASSWORD).roles("NETCODE_ADMIN").build());
        }

        @Bean
        GameListener gameListener() {
            return new GameListener();
        }
    }

    static class GameListener {

        final BlockingQueue<NetcodeSession> connected = new LinkedBlockingQueue<>();
        final BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
        final BlockingQueue<NetcodeClientDisconnectedEvent> disconnected = new LinkedBlockingQueue<>();

        @NetcodeListener
        byte[] onPayload(long clientId, byte[] payload) {
            String text = new String(payload, StandardCharsets.UTF_8);
            payloads.add(clientId + ":" + text);
            return ("echo:" + text).getBytes(StandardCharsets.UTF_8);
        }

        @EventListener
        void onConnect(NetcodeClientConnectedEvent event) {
            connected.add(event.getSession());
        }

        @EventListener
        void onDisconnect(NetcodeClientDisconnectedEvent event) {
            disconnected.add(event);
        }
    }
}
