package dev.netcode.boot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /actuator/netcode/{slot}} over real HTTP once the application grants
 * {@code management.endpoint.netcode.access=unrestricted}: still only for role
 * {@code NETCODE_ADMIN}. The application is {@link NetcodeStarterEndToEndTests}'s.
 */
@SpringBootTest(classes = NetcodeStarterEndToEndTests.GameApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "management.endpoints.web.exposure.include=netcode",
                "management.endpoint.netcode.access=unrestricted" })
class NetcodeEndpointDisconnectEndToEndTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private NetcodeServer server;

    @Autowired
    private ConnectTokenIssuer issuer;

    @Test
    void onlyTheOperatorRoleDisconnectsASlot() throws Exception {
        long clientId = 77;
        try (NetcodeClient client = UdpTestClients.connect(issuer.issue(clientId, null).token())) {
            int slot = server.snapshot().clients().get(0).index();
            String path = "/actuator/netcode/" + slot + "?clientId=" + clientId;
            assertThat(delete(path, null).statusCode()).isEqualTo(401);
            assertThat(delete(path, "alice").statusCode()).isEqualTo(403);
            assertThat(server.connectedClientCount()).isOne();

            HttpResponse<String> kicked = delete(path, "operator");
            assertThat(kicked.statusCode()).isEqualTo(200);
            assertThat(kicked.body()).contains("\"disconnected\":true").contains("\"clientId\":\"77\"");
            assertThat(client.awaitState((state) -> state != ClientState.CONNECTED, UdpTestClients.MAX_WAIT_MILLIS))
                .isEqualTo(ClientState.DISCONNECTED);
        }
    }

    private HttpResponse<String> delete(String path, String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).DELETE();
        if (user != null) {
            String credentials = user + ":" + NetcodeStarterEndToEndTests.PASSWORD;
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
