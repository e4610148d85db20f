package dev.netcode.boot.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.token.ConnectTokenGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link NetcodeServerHealthIndicator}, against a real server on UDP 127.0.0.1. */
class NetcodeServerHealthIndicatorTests {

    private static final long PROTOCOL_ID = 0x42;

    private final byte[] privateKey = SecureRandomBytes.key();

    private final NetcodeServer server = new NetcodeServer(ServerConfig.builder(PROTOCOL_ID, this.privateKey).build(),
            NetcodeAddress.parse("127.0.0.1:0"), 3);

    private final NetcodeServerHealthIndicator indicator = new NetcodeServerHealthIndicator(this.server);

    @AfterEach
    void stop() {
        this.server.stop();
    }

    @Test
    void upWhileRunningWithClientCountsAndBoundAddress() throws Exception {
        this.server.start();
        Health idle = this.indicator.health();
        assertThat(idle.getStatus()).isEqualTo(Status.UP);
        assertThat(idle.getDetails()).containsEntry("connectedClients", 0)
            .containsEntry("maxClients", 3)
            .containsEntry("boundAddress", this.server.localAddress().toString());
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(this.privateKey, PROTOCOL_ID);
        try (NetcodeClient client = UdpTestClients
            .connect(tokens.generate(7, this.server.serverAddresses(), 30, 5, null).toBytes())) {
            assertThat(UdpTestClients.await(() -> this.server.connectedClientCount() == 1)).isTrue();
            Health busy = this.indicator.health();
            assertThat(busy.getStatus()).isEqualTo(Status.UP);
            assertThat(busy.getDetails()).containsEntry("connectedClients", 1).containsEntry("maxClients", 3);
        }
    }

    @Test
    void downWhenStopped() {
        this.server.start();
        this.server.stop();
        Health health = this.indicator.health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("running", false).doesNotContainKey("connectedClients");
    }

    @Test
    void downBeforeTheServerStarts() {
        assertThat(this.indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

}
