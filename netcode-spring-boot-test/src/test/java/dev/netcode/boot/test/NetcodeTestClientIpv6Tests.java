package dev.netcode.boot.test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.NetcodeServer;
import dev.netcode.transport.UdpTransport;

import static org.assertj.core.api.Assertions.assertThat;

/** A server bound to IPv6 loopback gets clients on IPv6 loopback. */
@SpringBootTest(classes = EchoGame.class)
@AutoConfigureNetcodeTestClient(bindAddress = "[::1]:0")
@EnabledIf(value = "ipv6Loopback", disabledReason = "no IPv6 loopback here")
class NetcodeTestClientIpv6Tests {

    static boolean ipv6Loopback() {
        try {
            UdpTransport.bind(NetcodeAddress.parse("[::1]:0")).close();
            return true;
        }
        catch (UncheckedIOException ex) {
            return false;
        }
    }

    @Autowired
    NetcodeTestClients clients;

    @Autowired
    NetcodeServer server;

    @Test
    void clientsBindTheFamilyOfTheServersAddress() {
        assertThat(server.localAddress().isIpv6()).isTrue();
        NetcodeTestClient player = clients.connect(42);
        player.send("v6".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(player.awaitPayload(), StandardCharsets.UTF_8)).isEqualTo("echo 42:v6");
    }
}
