package com.example.game;

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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick-start application as it is (its application.yml, users and listener), on a free
 * port instead of 40000: alice gets a token over HTTP and plays over real UDP on 127.0.0.1.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "netcode.server.bind-address=127.0.0.1:0" })
class GameApplicationTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Test
    void aliceGetsATokenConnectsAndTheListenerReplies() throws Exception {
        assertThat(post("/netcode/token", "alice:wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> issued = post("/netcode/token", "alice:secret");
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonNode body = JsonMapper.builder().build().readTree(issued.body());
        byte[] token = Base64.getDecoder().decode(body.get("token").asString());

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
            client.sendPayload("hello".getBytes(StandardCharsets.UTF_8), 0, 5);
            assertThat(replies.poll(5, TimeUnit.SECONDS)).isEqualTo("1 online, you sent hello");
        }

        // The meters the README lists are served under the exposure application.yml sets.
        HttpResponse<String> metrics = get("/actuator/metrics/netcode.server.connections.accepted", "alice:secret");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("\"value\":1.0");
        assertThat(get("/actuator/netcode", "operator:operator-secret").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/netcode", "alice:secret").statusCode()).isEqualTo(403);
    }

    private HttpResponse<String> post(String path, String credentials) throws Exception {
        return http.send(request(path, credentials).POST(HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String credentials) throws Exception {
        return http.send(request(path, credentials).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String credentials) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }
}
