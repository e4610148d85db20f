package dev.netcode.boot.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The kit's clients speak the application's channels when it runs them. */
@SpringBootTest(classes = ChatGame.class, properties = { "netcode.channels.chat.delivery=reliable-ordered",
        "netcode.channels.input.delivery=unreliable" })
@AutoConfigureNetcodeTestClient
class NetcodeTestClientChannelsTests {

    @Autowired
    NetcodeTestClients clients;

    @Test
    void messagesOnAChannelReachItsListenerAndTheRepliesComeBackOnIt() {
        NetcodeTestClient player = clients.connect(42);
        player.send("chat", "hello");
        player.send("chat", "again".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(player.awaitText("chat")).isEqualTo("42 said: hello");
        assertThat(player.awaitText("chat", Duration.ofSeconds(5))).isEqualTo("42 said: again");
    }

    @Test
    void aWaitOnAChannelThatTimesOutCountsThatChannelsMessages() {
        NetcodeTestClient player = clients.connect(43);
        player.send("input", "left");
        player.send("input", "right");
        assertThatExceptionOfType(AssertionError.class)
                .isThrownBy(() -> player.awaitMessage("input", Duration.ofMillis(300)))
                .withMessage("client 43: no message on 'input' within 300 ms "
                        + "(state CONNECTED; 2 messages on 'input' sent, 0 received)");
    }

    @Test
    void rawPayloadsAndUnknownChannelsAreRefusedAtTheCall() {
        NetcodeTestClient player = clients.connect(44);
        assertThatIllegalStateException().isThrownBy(() -> player.send(new byte[] { 1 }))
                .withMessageContaining("runs channels [chat, input]");
        assertThatIllegalStateException().isThrownBy(player::awaitPayload)
                .withMessageContaining("awaitMessage(channel)");
        assertThatIllegalStateException().isThrownBy(() -> player.send("trade", "x"))
                .withMessage("the application has no channel 'trade'; its channels are [chat, input]");
    }
}
