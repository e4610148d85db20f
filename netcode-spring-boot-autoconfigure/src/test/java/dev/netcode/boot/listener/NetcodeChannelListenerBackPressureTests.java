package dev.netcode.boot.listener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.netcode.boot.autoconfigure.NetcodeAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeListenerAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessageConverterAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeMessagingAutoConfiguration;
import dev.netcode.boot.autoconfigure.NetcodeServerAutoConfiguration;
import dev.netcode.boot.testsupport.ChannelTestClient;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.client.ClientState;
import dev.netcode.message.MessageConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A channel listener that falls behind: what the dispatcher does when a message finds its client's
 * queue full, on a reliable and on an unreliable channel.
 */
class NetcodeChannelListenerBackPressureTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(NetcodeAutoConfiguration.class, NetcodeServerAutoConfiguration.class,
                NetcodeListenerAutoConfiguration.class, NetcodeMessageConverterAutoConfiguration.class,
                NetcodeMessagingAutoConfiguration.class))
        .withPropertyValues("netcode.server.bind-address=127.0.0.1:0", "netcode.listener.queue-capacity=1",
                "netcode.channels.chat.delivery=reliable-ordered", "netcode.channels.input.delivery=unreliable")
        .withBean(BlockedListener.class);

    @Test
    void aReliableMessageWithNoRoomInTheQueueDisconnectsItsClientInsteadOfBeingLostSilently() {
        this.contextRunner.run((context) -> {
            BlockedListener listener = context.getBean(BlockedListener.class);
            NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
            try (ChannelTestClient client = ChannelTestClient.connect(context.getBean(MessageConfig.class),
                    context.getBean(ConnectTokenIssuer.class).issue(21, null).token())) {
                for (int i = 0; i < 5; i++) {
                    client.send("chat", "line " + i);
                }
                assertThat(client.awaitDisconnected()).isEqualTo(ClientState.DISCONNECTED);
                assertThat(dispatcher.reliableDropDisconnects()).isEqualTo(1);
                assertThat(dispatcher.payloadsDroppedQueueFull()).isPositive();
            }
            finally {
                listener.release.countDown();
            }
        });
    }

    @Test
    void aClientThatFillsItsShareOfTheListenerMemoryIsTheOneDisconnectedNotTheNextToArrive() {
        // 4 slots share 20000 bytes: 5000 each, one 4096-byte message (4224 with its buffer's overhead).
        this.contextRunner.withPropertyValues("netcode.listener.queue-capacity=256", "netcode.listener.threads=1",
                "netcode.listener.max-queued-bytes=20000B", "netcode.server.max-clients=4",
                "netcode.channels.chat.max-message-size=4096B").run((context) -> {
            BlockedListener listener = context.getBean(BlockedListener.class);
            MessageConfig config = context.getBean(MessageConfig.class);
            ConnectTokenIssuer issuer = context.getBean(ConnectTokenIssuer.class);
            try (ChannelTestClient hog = ChannelTestClient.connect(config, issuer.issue(31, null).token());
                    ChannelTestClient other = ChannelTestClient.connect(config, issuer.issue(32, null).token())) {
                hog.send("chat", "x");
                assertThat(listener.entered.await(10, TimeUnit.SECONDS)).isTrue();
                String large = "y".repeat(4096);
                for (int i = 0; i < 4; i++) {
                    hog.send("chat", large);
                }
                assertThat(hog.awaitDisconnected()).as("over its share").isEqualTo(ClientState.DISCONNECTED);
                other.send("chat", large);
                listener.release.countDown();
                assertThat(UdpTestClients.await(() -> listener.chatFrom.contains(32L))).isTrue();
                assertThat(other.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(context.getBean(NetcodeListenerDispatcher.class).reliableDropDisconnects()).isEqualTo(1);
            }
            finally {
                listener.release.countDown();
            }
        });
    }

    @Test
    void anUnreliableMessageWithNoRoomIsDroppedAndCountedAndTheClientStays() {
        this.contextRunner.run((context) -> {
            BlockedListener listener = context.getBean(BlockedListener.class);
            NetcodeListenerDispatcher dispatcher = context.getBean(NetcodeListenerDispatcher.class);
            try (ChannelTestClient client = ChannelTestClient.connect(context.getBean(MessageConfig.class),
                    context.getBean(ConnectTokenIssuer.class).issue(22, null).token())) {
                // Unreliable: keep sending until messages arrive while the listener is blocked.
                for (int i = 0; i < 200 && dispatcher.payloadsDroppedQueueFull() == 0; i++) {
                    client.send("input", new byte[] { (byte) i });
                    UdpTestClients.await(() -> dispatcher.payloadsDroppedQueueFull() > 0, 10);
                }
                assertThat(dispatcher.payloadsDroppedQueueFull()).isPositive();
                assertThat(dispatcher.reliableDropDisconnects()).isZero();
                assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
            }
            finally {
                listener.release.countDown();
            }
        });
    }

    static class BlockedListener {

        final CountDownLatch release = new CountDownLatch(1);

        final CountDownLatch entered = new CountDownLatch(1);

        final Set<Long> chatFrom = ConcurrentHashMap.newKeySet();

        @NetcodeListener(channel = "chat")
        void onChat(NetcodeSession session, String line) throws InterruptedException {
            this.chatFrom.add(session.clientId());
            this.entered.countDown();
            this.release.await(30, TimeUnit.SECONDS);
        }

        @NetcodeListener(channel = "input")
        void onInput(byte[] input) throws InterruptedException {
            this.release.await(30, TimeUnit.SECONDS);
        }
    }
}
