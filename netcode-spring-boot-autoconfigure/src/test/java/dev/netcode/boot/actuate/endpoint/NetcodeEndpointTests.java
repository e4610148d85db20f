package dev.netcode.boot.actuate.endpoint;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.ClientDescriptor;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.DisconnectDescriptor;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.NetcodeServerDescriptor;
import dev.netcode.boot.testsupport.AutoTransport;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Tests for {@link NetcodeEndpoint}, against a real server and client on UDP 127.0.0.1. */
class NetcodeEndpointTests {

    private static final long PROTOCOL_ID = 0x1122334455667788L;

    /** An id above Long.MAX_VALUE, to show ids are unsigned. */
    private static final long CLIENT_ID = 0xFEDCBA9876543210L;

    private final byte[] privateKey = SecureRandomBytes.key();

    private final NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, this.privateKey).build(),
            NetcodeAddress.parse("127.0.0.1:0"), 4);

    private final NetcodeEndpoint endpoint = new NetcodeEndpoint(this.server);

    private NetcodeClient client;

    @AfterEach
    void close() {
        if (this.client != null) {
            this.client.close();
        }
        this.server.stop();
    }

    @Test
    void describesAConnectedClientInItsSlot() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        connectClient();
        this.client.sendPayload(new byte[] { 1, 2, 3 }, 0, 3);
        assertThat(UdpTestClients.await(() -> {
            ClientDescriptor slot = this.endpoint.server().getClients().get(0);
            return slot.getPacketsReceived() > 0 && slot.getPacketsSent() > 0;
        })).isTrue();
        NetcodeServerDescriptor descriptor = this.endpoint.server();
        assertThat(descriptor.isRunning()).isTrue();
        assertThat(descriptor.getProtocolId()).isEqualTo("0x1122334455667788");
        assertThat(descriptor.getBoundAddress()).isEqualTo(this.server.localAddress().toString());
        assertThat(descriptor.getPublicAddresses()).containsExactly(this.server.localAddress().toString());
        assertThat(descriptor.getMaxClients()).isEqualTo(4);
        assertThat(descriptor.getConnectedClients()).isEqualTo(1);
        assertThat(descriptor.getClients()).singleElement().satisfies((client) -> {
            assertThat(client.getIndex()).isZero();
            assertThat(client.getClientId()).isEqualTo(Long.toUnsignedString(CLIENT_ID))
                .isEqualTo("18364758544493064720");
            assertThat(client.getAddress()).isEqualTo(this.client.client().localAddress().toString());
            assertThat(client.isLoopback()).isFalse();
            assertThat(client.getConnectedSince()).isAfter(before).isBeforeOrEqualTo(Instant.now());
            assertThat(client.getLastPacketReceived()).isAfterOrEqualTo(client.getConnectedSince().minusMillis(50));
            assertThat(client.getPacketsReceived()).isPositive();
            assertThat(client.getPacketsSent()).isPositive();
            assertThat(client.getBytesReceived()).isPositive();
            assertThat(client.getBytesSent()).isPositive();
        });
        assertThat(descriptor.getTotals().getPacketsReceived()).isPositive();
        assertThat(descriptor.getTotals().getPacketsSent()).isPositive();
        assertThat(descriptor.getTotals().getConnectionsAccepted()).isEqualTo(1);
        assertThat(descriptor.getTotals().getConnectionsDenied()).isZero();
    }

    @Test
    void disconnectFreesTheSlotOfTheNamedClient() throws Exception {
        connectClient();
        DisconnectDescriptor result = this.endpoint.disconnect(0, Long.toUnsignedString(CLIENT_ID));
        assertThat(result.getSlot()).isZero();
        assertThat(result.isDisconnected()).isTrue();
        assertThat(result.getClientId()).isEqualTo(Long.toUnsignedString(CLIENT_ID));
        assertThat(result.getReason()).isNull();
        assertThat(this.endpoint.server().getClients()).isEmpty();
        assertThat(this.endpoint.server().getConnectedClients()).isZero();
        assertThat(this.client.awaitState((state) -> state != ClientState.CONNECTED, UdpTestClients.MAX_WAIT_MILLIS))
            .isEqualTo(ClientState.DISCONNECTED);
        DisconnectDescriptor again = this.endpoint.disconnect(0, Long.toUnsignedString(CLIENT_ID));
        assertThat(again.isDisconnected()).isFalse();
        assertThat(again.getReason()).isEqualTo("slot 0 is free");
    }

    @Test
    void disconnectLeavesTheNextPlayerOfAReusedSlotConnected() throws Exception {
        connectClient();
        // The caller saw CLIENT_ID in slot 0; it leaves, and another player takes the slot.
        this.client.disconnect();
        assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 0)).isTrue();
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(this.privateKey, PROTOCOL_ID);
        try (NetcodeClient next = UdpTestClients
            .connect(tokens.generate(42, this.server.serverAddresses(), 30, 5, null).toBytes())) {
            assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 1)).isTrue();
            assertThat(this.endpoint.server().getClients()).singleElement()
                .satisfies((slot) -> assertThat(slot.getIndex()).isZero());

            DisconnectDescriptor result = this.endpoint.disconnect(0, Long.toUnsignedString(CLIENT_ID));

            assertThat(result.isDisconnected()).isFalse();
            assertThat(result.getClientId()).isEqualTo(Long.toUnsignedString(CLIENT_ID));
            assertThat(result.getReason()).isEqualTo("slot 0 holds another client");
            assertThat(next.awaitState((state) -> state != ClientState.CONNECTED, 500))
                .as("the next player stays").isEqualTo(ClientState.CONNECTED);
            assertThat(this.endpoint.server().getClients()).singleElement()
                .satisfies((slot) -> assertThat(slot.getClientId()).isEqualTo("42"));
        }
    }

    @Test
    void disconnectRejectsASlotOutOfRange() {
        this.server.start();
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> this.endpoint.disconnect(4, "1"))
            .satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("slot must be 0..3"));
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> this.endpoint.disconnect(-1, "1"));
    }

    @Test
    void disconnectRejectsAClientIdThatIsNotAnUnsignedNumber() throws Exception {
        connectClient();
        for (String invalid : new String[] { "", "abc", "-1", "18446744073709551616" }) {
            assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> this.endpoint.disconnect(0, invalid))
                .satisfies((ex) -> assertThat(ex.getReason()).contains("unsigned 64-bit decimal"));
        }
        assertThat(this.server.connectedClientCount()).isOne();
    }

    @Test
    void stoppedServerIsDescribedAsNotRunningWithoutSlots() throws Exception {
        connectClient();
        this.server.stop();
        NetcodeServerDescriptor descriptor = this.endpoint.server();
        assertThat(descriptor.isRunning()).isFalse();
        assertThat(descriptor.getClients()).isEmpty();
        assertThat(descriptor.getConnectedClients()).isZero();
        assertThat(descriptor.getBoundAddress()).isNull();
        assertThat(descriptor.getMaxClients()).isEqualTo(4);
        assertThat(descriptor.getTotals().getConnectionsAccepted()).isEqualTo(1);
        DisconnectDescriptor result = this.endpoint.disconnect(0, Long.toUnsignedString(CLIENT_ID));
        assertThat(result.isDisconnected()).isFalse();
        assertThat(result.getReason()).isEqualTo("the netcode server is not running");
    }

    @Test
    void serverThatNeverStartedIsDescribedAsNotRunning() {
        NetcodeServerDescriptor descriptor = this.endpoint.server();
        assertThat(descriptor.isRunning()).isFalse();
        assertThat(descriptor.getClients()).isEmpty();
        assertThat(descriptor.getProtocolId()).isEqualTo("0x1122334455667788");
        assertThat(descriptor.getTotals().getDrops()).isEmpty();
        assertThat(descriptor.getTransport()).as("not known before the first start").isNull();
    }

    @Test
    void dropsAreCountedByLowerCaseReason() throws Exception {
        this.server.start();
        // A connection request for another protocol id is dropped, never answered.
        ConnectTokenGenerator otherGame = new ConnectTokenGenerator(this.privateKey, PROTOCOL_ID + 1);
        try (NetcodeClient stranger = NetcodeClient.start(NetcodeAddress.parse("127.0.0.1:0"),
                new ClientEventHandler() {
                })) {
            stranger.connect(otherGame.generate(1, this.server.serverAddresses(), 30, 5, null).toBytes());
            assertThat(UdpTestClients
                .await(() -> this.endpoint.server().getTotals().getDrops().containsKey("wrong_protocol_id"))).isTrue();
        }
        assertThat(this.endpoint.server().getTotals().getDrops().get("wrong_protocol_id")).isPositive();
    }

    @Test
    void descriptorSerializesToJsonWithoutKeyMaterial() throws Exception {
        connectClient();
        JsonMapper mapper = JsonMapper.builder().build();
        String json = mapper.writeValueAsString(this.endpoint.server());
        assertNoKeyMaterial(json, this.privateKey);
        JsonNode tree = mapper.readTree(json);
        assertThat(tree.get("running").asBoolean()).isTrue();
        assertThat(tree.get("protocolId").asString()).isEqualTo("0x1122334455667788");
        assertThat(tree.get("crypto").asString()).isEqualTo("libsodium via " + Aead.nativeBinding())
            .isIn("libsodium via JNI", "libsodium via JNA");
        // Auto picks core's native transport where it loaded (over netcode-transport-epoll on the test class path).
        assertThat(tree.get("transport").asString()).isEqualTo(this.server.transportName())
            .isEqualTo(AutoTransport.expectedName());
        JsonNode client = tree.get("clients").get(0);
        assertThat(client.get("clientId").isString()).isTrue();
        assertThat(client.get("clientId").asString()).isEqualTo("18364758544493064720");
        assertThat(client.get("connectedSince").isString()).isTrue();
        assertThat(tree.get("totals").get("drops").isObject()).isTrue();
        assertNoKeyMaterial(mapper.writeValueAsString(this.endpoint.disconnect(0, "18364758544493064720")),
                this.privateKey);
    }

    static void assertNoKeyMaterial(String json, byte[] key) {
        String hex = HexFormat.of().formatHex(key);
        assertThat(json).doesNotContainIgnoringCase(hex)
            .doesNotContain(Base64.getEncoder().encodeToString(key))
            .doesNotContain(Base64.getEncoder().withoutPadding().encodeToString(key))
            .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }

    private void connectClient() throws Exception {
        this.server.start();
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(this.privateKey, PROTOCOL_ID);
        this.client = UdpTestClients
            .connect(tokens.generate(CLIENT_ID, this.server.serverAddresses(), 30, 5, null).toBytes());
        assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 1)).isTrue();
    }

}
