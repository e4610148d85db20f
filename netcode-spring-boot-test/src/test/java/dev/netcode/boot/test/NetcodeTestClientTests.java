package dev.netcode.boot.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.netcode.boot.listener.NetcodeClientConnectedEvent;
import dev.netcode.boot.listener.NetcodeClientDisconnectedEvent;
import dev.netcode.client.ClientState;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.NetcodeServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The kit on real UDP against a real application, whose configuration would send clients to a
 * public address that is not this machine: the annotation's loopback bind and empty public
 * addresses take precedence.
 */
@SpringBootTest(classes = EchoGame.class, properties = { "netcode.server.bind-address=0.0.0.0:40000",
        "netcode.server.public-addresses=203.0.113.9:40000" })
@AutoConfigureNetcodeTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetcodeTestClientTests {

    private static NetcodeTestClient fromTheFirstTest;

    @Autowired
    NetcodeTestClients clients;

    @Autowired
    NetcodeServer server;

    @Test
    @Order(1)
    void aClientConnectsWithATokenFromTheApplicationsIssuerAndGetsTheListenersReplies() {
        assertThat(server.localAddress().toString()).startsWith("127.0.0.1:").doesNotEndWith(":40000");
        NetcodeTestClient player = clients.connect(42);
        assertThat(player.state()).isEqualTo(ClientState.CONNECTED);
        player.send(bytes("hello"));
        player.send(bytes("again"));
        assertThat(text(player.awaitPayload())).isEqualTo("echo 42:hello");
        assertThat(text(player.awaitPayload(Duration.ofSeconds(2)))).isEqualTo("echo 42:again");
        NetcodeClientConnectedEvent connected = player.awaitServerEvent(NetcodeClientConnectedEvent.class,
                Duration.ofSeconds(5));
        assertThat(connected.getSession().clientId()).isEqualTo(42);
        fromTheFirstTest = player;
    }

    @Test
    @Order(2)
    void theClientsOfAnEarlierTestAreClosedAfterIt() {
        assertThat(fromTheFirstTest).isNotNull();
        assertThat(fromTheFirstTest.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(clients.clients()).isEmpty();
    }

    @Test
    @Order(3)
    void clientsWithoutAnIdGetDistinctOnesAndUserDataReachesTheServer() {
        NetcodeTestClient first = clients.connect();
        NetcodeTestClient second = clients.connect();
        assertThat(first.clientId()).isGreaterThanOrEqualTo(NetcodeTestClients.FIRST_CLIENT_ID);
        assertThat(second.clientId()).isEqualTo(first.clientId() + 1);
        assertThat(server.connectedClientCount()).isEqualTo(2);
        second.send(bytes("x"));
        assertThat(text(second.awaitPayload())).isEqualTo("echo " + second.clientId() + ":x");

        byte[] userData = bytes("team red");
        NetcodeTestClient withUserData = clients.connect(7, userData);
        assertThat(withUserData.awaitServerEvent(NetcodeClientConnectedEvent.class, Duration.ofSeconds(5))
                .getSession().userData()).startsWith(userData);
    }

    @Test
    @Order(4)
    void aDisconnectIsSeenByTheApplication() {
        NetcodeTestClient player = clients.connect(43);
        player.disconnect();
        player.awaitState(ClientState.DISCONNECTED, Duration.ofSeconds(5));
        assertThat(player.awaitDisconnected(Duration.ofSeconds(5))).isEqualTo(ClientState.DISCONNECTED);
        NetcodeClientDisconnectedEvent event = player.awaitServerEvent(NetcodeClientDisconnectedEvent.class,
                Duration.ofSeconds(5));
        assertThat(event.getReason()).isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
    }

    @Test
    @Order(5)
    void aWaitThatTimesOutSaysWhatWasAwaitedTheStateAndTheCounts() {
        NetcodeTestClient player = clients.connect(44);
        player.send(bytes("one"));
        assertThat(player.awaitPayload()).isNotNull();
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> player.awaitPayload(Duration.ofMillis(300)))
                .withMessage("client 44: no payload within 300 ms (state CONNECTED; 1 payloads sent, 1 received)");
        assertThatExceptionOfType(AssertionError.class)
                .isThrownBy(() -> player.awaitState(ClientState.DISCONNECTED, Duration.ofMillis(200)))
                .withMessage("client 44: not DISCONNECTED within 200 ms (state CONNECTED)");
        assertThatExceptionOfType(AssertionError.class)
                .isThrownBy(() -> player.awaitDisconnected(Duration.ofMillis(200)))
                .withMessage("client 44: still connected after 200 ms (state CONNECTED)");
        assertThatExceptionOfType(AssertionError.class)
                .isThrownBy(() -> player.awaitServerEvent(NetcodeClientDisconnectedEvent.class, Duration.ofMillis(200)))
                .withMessage("client 44: the application published no NetcodeClientDisconnectedEvent for it within "
                        + "200 ms (state CONNECTED)");
    }

    @Test
    @Order(6)
    void sendingWhenNotConnectedOrOnAChannelTheApplicationDoesNotRunFailsAtTheCall() {
        NetcodeTestClient player = clients.connect(45);
        assertThatIllegalStateException().isThrownBy(() -> player.send("chat", "hi"))
                .withMessageContaining("runs no channels");
        player.close();
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> player.send(bytes("lost")))
                .withMessage("client 45: cannot send a payload: not connected (state DISCONNECTED)");
    }

    @Test
    @Order(7)
    void aClientThatCannotConnectSaysWhy() {
        NetcodeTestClient first = clients.connect(46);
        assertThat(first.state()).isEqualTo(ClientState.CONNECTED);
        // The same client id again: the server refuses a second connection of a connected client.
        assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> clients.connect(46))
                .withMessageStartingWith("client 46 did not connect to the game server: ")
                .withMessageContaining("server addresses in its token: [" + server.localAddress() + "]");
    }

    @Test
    @Order(8)
    void aClientWithTheIdOfAClosedOneSeesOnlyTheEventsAboutItself() {
        NetcodeTestClient first = clients.connect(47);
        first.awaitServerEvent(NetcodeClientConnectedEvent.class, Duration.ofSeconds(5));
        first.close();
        NetcodeTestClient again = clients.connect(47);
        assertThatExceptionOfType(AssertionError.class)
                .isThrownBy(() -> again.awaitServerEvent(NetcodeClientDisconnectedEvent.class, Duration.ofMillis(300)));
        assertThat(first.awaitServerEvent(NetcodeClientDisconnectedEvent.class, Duration.ofSeconds(5)).getReason())
                .isEqualTo(DisconnectReason.CLIENT_DISCONNECT);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
