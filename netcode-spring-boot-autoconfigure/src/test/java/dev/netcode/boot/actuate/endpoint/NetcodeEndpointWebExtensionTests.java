package dev.netcode.boot.actuate.endpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.DisconnectDescriptor;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeEndpointWebExtension}, against a real server and client on UDP 127.0.0.1. */
class NetcodeEndpointWebExtensionTests {

    private static final long PROTOCOL_ID = 0x1122334455667788L;

    private final byte[] privateKey = SecureRandomBytes.key();

    private final NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, this.privateKey).build(),
            NetcodeAddress.parse("127.0.0.1:0"), 4);

    private final NetcodeEndpointWebExtension extension = new NetcodeEndpointWebExtension(
            new NetcodeEndpoint(this.server));

    @AfterEach
    void stop() {
        this.server.stop();
    }

    @Test
    void disconnectOfTheClientInTheSlotIsOk() throws Exception {
        try (NetcodeClient client = connect(7)) {
            WebEndpointResponse<DisconnectDescriptor> response = this.extension.disconnect(0, "7");
            assertThat(response.getStatus()).isEqualTo(WebEndpointResponse.STATUS_OK);
            assertThat(response.getBody().isDisconnected()).isTrue();
            assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 0)).isTrue();
        }
    }

    @Test
    void disconnectNamingAnotherClientIsAConflictAndDisconnectsNobody() throws Exception {
        try (NetcodeClient client = connect(7)) {
            WebEndpointResponse<DisconnectDescriptor> response = this.extension.disconnect(0, "8");
            assertThat(response.getStatus()).isEqualTo(409);
            assertThat(response.getBody().isDisconnected()).isFalse();
            assertThat(response.getBody().getReason()).isEqualTo("slot 0 holds another client");
            assertThat(this.server.connectedClientCount()).isOne();
        }
        assertThat(this.extension.disconnect(1, "7").getStatus()).isEqualTo(409);
    }

    private NetcodeClient connect(long clientId) throws Exception {
        this.server.start();
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(this.privateKey, PROTOCOL_ID);
        NetcodeClient client = UdpTestClients
            .connect(tokens.generate(clientId, this.server.serverAddresses(), 30, 5, null).toBytes());
        assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 1)).isTrue();
        return client;
    }

}
