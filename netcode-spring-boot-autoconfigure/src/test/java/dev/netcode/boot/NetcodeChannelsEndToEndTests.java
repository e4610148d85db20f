package dev.netcode.boot;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint;
import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.ClientDescriptor;
import dev.netcode.boot.listener.NetcodeListener;
import dev.netcode.boot.listener.NetcodeListenerDispatcher;
import dev.netcode.boot.listener.NetcodeSession;
import dev.netcode.boot.message.NetcodeMessagingTemplate;
import dev.netcode.boot.metrics.NetcodeConnectionMetrics;
import dev.netcode.boot.testsupport.ChannelTestClient;
import dev.netcode.boot.testsupport.UdpTestClients;
import dev.netcode.boot.token.ConnectTokenIssuer;
import dev.netcode.message.ChannelConfig;
import dev.netcode.message.ConnectionStats;
import dev.netcode.message.DeliveryMode;
import dev.netcode.message.MessageConfig;
import dev.netcode.message.MessageLimitException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Channels through the whole starter: a real Spring context with the actuator and Micrometer, a Java
 * {@code NetcodeClient} with channels over real UDP on 127.0.0.1, typed {@code @NetcodeListener}
 * methods (String and a JSON record on reliable-ordered channels, bytes on an unreliable one) whose
 * replies come back on their channel, sends and broadcasts from the application, the connection's
 * measurements on the session, in {@code /actuator/netcode} and as distribution summaries.
 */
@SpringBootTest(classes = NetcodeChannelsEndToEndTests.GameApplication.class,
        properties = { "netcode.server.bind-address=127.0.0.1:0", "management.endpoints.web.exposure.include=netcode",
                "netcode.channels.chat.delivery=reliable-ordered", "netcode.channels.trade.delivery=reliable-ordered",
                "netcode.channels.trade.max-message-size=8KB", "netcode.channels.input.delivery=unreliable",
                "netcode.channels.snapshots.delivery=unreliable-sequenced" })
@ExtendWith(OutputCaptureExtension.class)
class NetcodeChannelsEndToEndTests {

    /** The client's channels: the same names and modes, in alphabetical order as the starter numbers them. */
    static final MessageConfig CLIENT_CHANNELS = MessageConfig.of(ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED),
            ChannelConfig.of("input", DeliveryMode.UNRELIABLE), ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED),
            ChannelConfig.of("trade", DeliveryMode.RELIABLE_ORDERED).withMaxMessageBytes(8 * 1024));

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    private ConnectTokenIssuer tokens;

    @Autowired
    private MessageConfig serverChannels;

    @Autowired
    private NetcodeMessagingTemplate messaging;

    @Autowired
    private Game game;

    @Autowired
    private NetcodeEndpoint endpoint;

    @Autowired
    private NetcodeConnectionMetrics connectionMetrics;

    @Autowired
    private MeterRegistry meters;

    @Autowired
    private NetcodeListenerDispatcher dispatcher;

    @Test
    void aClientBuildsTheServersChannelsFromTheDocumentedRule() {
        assertThat(this.serverChannels).isEqualTo(CLIENT_CHANNELS);
    }

    @Test
    void textOnAReliableOrderedChannelIsRepliedToOnThatChannelInOrder() throws Exception {
        try (ChannelTestClient client = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(11, null).token())) {
            for (int i = 0; i < 50; i++) {
                client.send("chat", "line " + i + " é");
            }
            for (int i = 0; i < 50; i++) {
                assertThat(client.receiveText("chat")).isEqualTo("LINE " + i + " É");
            }
            assertThat(client.receive("trade", 50)).as("nothing on another channel").isNull();
        }
    }

    @Test
    void aJsonRecordIsReadAndTheRepliedRecordWrittenAsJson() throws Exception {
        try (ChannelTestClient client = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(12, null).token())) {
            client.send("trade", this.json.writeValueAsBytes(new Offer("sword", 3)));
            Offer reply = this.json.readValue(client.receive("trade"), Offer.class);
            assertThat(reply).isEqualTo(new Offer("sword", 4));
            assertThat(this.game.offers).contains(new Offer("sword", 3));
        }
    }

    @Test
    void junkAClientSendsIsCountedButNotLoggedAsAWarningPerMessage(CapturedOutput output) throws Exception {
        long errorsBefore = this.dispatcher.listenerErrors();
        try (ChannelTestClient client = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(17, null).token())) {
            for (int i = 0; i < 20; i++) {
                client.send("trade", "{not json".getBytes(StandardCharsets.UTF_8));
            }
            client.send("trade", this.json.writeValueAsBytes(new Offer("shield", 7)));
            assertThat(this.json.readValue(client.receive("trade"), Offer.class)).isEqualTo(new Offer("shield", 8));
        }
        assertThat(this.dispatcher.listenerErrors() - errorsBefore).isEqualTo(20);
        assertThat(output).doesNotContain("failed for a payload").doesNotContain("not json");
    }

    @Test
    void bytesOnAnUnreliableChannelArriveAndTheReplyComesBackOnIt() throws Exception {
        try (ChannelTestClient client = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(13, null).token())) {
            byte[] reply = null;
            // Unreliable: send again until one input and its echo made it both ways.
            for (int attempt = 0; attempt < 100 && reply == null; attempt++) {
                client.send("input", new byte[] { 7, (byte) attempt });
                reply = client.receive("input", 50);
            }
            assertThat(reply).isNotNull();
            assertThat(reply[0]).isEqualTo((byte) 7);
            assertThat(this.game.inputs.get(13L)).isPositive();
        }
    }

    @Test
    void theApplicationSendsAndBroadcastsOnAChannelAndLimitsThrowAtTheCall() throws Exception {
        try (ChannelTestClient first = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(14, null).token());
                ChannelTestClient second = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(15, null).token())) {
            NetcodeSession session = this.game.awaitSession(14);
            session.send("chat", "just for you");
            assertThat(first.receiveText("chat")).isEqualTo("just for you");

            assertThat(this.messaging.broadcast("chat", "to everyone")).isGreaterThanOrEqualTo(2);
            assertThat(first.receiveText("chat")).isEqualTo("to everyone");
            assertThat(second.receiveText("chat")).isEqualTo("to everyone");

            assertThatExceptionOfType(MessageLimitException.class)
                .isThrownBy(() -> session.send("trade", new byte[8 * 1024 + 1]))
                .withMessageContaining("'trade'")
                .withMessageContaining("maxMessageBytes = 8192");
            assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> session.send(new byte[] { 1 }))
                .withMessageContaining("send on a channel");
        }
    }

    @Test
    void theConnectionsMeasurementsAreOnTheSessionInTheEndpointAndInTheMetrics() throws Exception {
        try (ChannelTestClient client = ChannelTestClient.connect(CLIENT_CHANNELS, this.tokens.issue(16, null).token())) {
            // Round trips until the packet layer measures: like the C library it reports bandwidth from
            // the older half of its 256-packet window, so only after some 128 packets.
            NetcodeSession session = null;
            for (int i = 0; i < 2_000; i++) {
                client.send("chat", "ping " + i);
                assertThat(client.receiveText("chat")).isEqualTo("PING " + i);
                session = this.game.awaitSession(16);
                ConnectionStats stats = session.stats();
                if (stats != null && stats.rttMillis() > 0 && stats.sentKbps() > 0 && stats.ackedKbps() > 0
                        && stats.channels().get(0).messagesReceived() >= 20) {
                    break;
                }
            }
            ConnectionStats stats = session.stats();
            assertThat(stats).isNotNull();
            assertThat(stats.rttMillis()).as("%s", stats).isPositive();
            assertThat(stats.sentKbps()).as("%s", stats).isPositive();
            assertThat(stats.ackedKbps()).as("%s", stats).isPositive();
            assertThat(stats.packetLossPercent()).isBetween(0.0, 100.0);

            ClientDescriptor slot = this.endpoint.server()
                .getClients()
                .stream()
                .filter((c) -> c.getClientId().equals("16"))
                .findFirst()
                .orElseThrow();
            assertThat(slot.getConnection()).isNotNull();
            assertThat(slot.getConnection().getRttMillis()).isPositive();
            assertThat(slot.getConnection().getSentKbps()).isPositive();
            assertThat(slot.getConnection().getChannels()).extracting("name", "delivery")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("chat", "reliable-ordered"),
                        org.assertj.core.groups.Tuple.tuple("input", "unreliable"),
                        org.assertj.core.groups.Tuple.tuple("snapshots", "unreliable-sequenced"),
                        org.assertj.core.groups.Tuple.tuple("trade", "reliable-ordered"));
            assertThat(slot.getConnection().getChannels().get(0).getMessagesReceived()).isGreaterThanOrEqualTo(20);

            DistributionSummary rtt = this.meters.find("netcode.connection.rtt").summary();
            assertThat(rtt).isNotNull();
            long before = rtt.count();
            assertThat(this.connectionMetrics.sample()).isPositive();
            assertThat(rtt.count()).isGreaterThan(before);
            assertThat(rtt.max()).isPositive();
            for (String name : List.of("netcode.connection.packet.loss", "netcode.connection.bandwidth.sent",
                    "netcode.connection.bandwidth.received", "netcode.connection.bandwidth.acked")) {
                DistributionSummary summary = this.meters.find(name).summary();
                assertThat(summary).as(name).isNotNull();
                assertThat(summary.getId().getTags()).as("no per-client tags on %s", name).isEmpty();
                assertThat(summary.count()).as(name).isPositive();
            }
        }
    }

    record Offer(String item, int price) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Game.class)
    static class GameApplication {
    }

    @Component
    static class Game {

        final List<Offer> offers = new CopyOnWriteArrayList<>();

        final Map<Long, AtomicInteger> inputCounts = new ConcurrentHashMap<>();

        final Map<Long, Integer> inputs = new ConcurrentHashMap<>();

        final Map<Long, NetcodeSession> sessions = new ConcurrentHashMap<>();

        @NetcodeListener(channel = "chat")
        String onChat(NetcodeSession session, String line) {
            this.sessions.put(session.clientId(), session);
            return line.toUpperCase(java.util.Locale.ROOT);
        }

        @NetcodeListener(channel = "trade")
        Offer onOffer(Offer offer) {
            this.offers.add(offer);
            return new Offer(offer.item(), offer.price() + 1);
        }

        @NetcodeListener(channel = "input")
        byte[] onInput(long clientId, byte[] input) {
            this.inputs.merge(clientId, 1, Integer::sum);
            return input;
        }

        @org.springframework.context.event.EventListener
        void joined(dev.netcode.boot.listener.NetcodeClientConnectedEvent event) {
            this.sessions.put(event.getSession().clientId(), event.getSession());
        }

        NetcodeSession awaitSession(long clientId) throws InterruptedException {
            assertThat(UdpTestClients.await(() -> this.sessions.containsKey(clientId))).isTrue();
            return this.sessions.get(clientId);
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
