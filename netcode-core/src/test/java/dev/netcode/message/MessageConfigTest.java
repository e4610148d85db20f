package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.reliable.ReliableConfig;

class MessageConfigTest {

    private static final ChannelConfig CHAT = ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED);

    @Test
    void defaults() {
        MessageConfig config = MessageConfig.of(CHAT, ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE));
        assertThat(config.packetBudgetBytes()).isEqualTo(1024);
        assertThat(config.blockFragmentBytes()).isEqualTo(1012);
        assertThat(config.maxReliableMessageBytes()).isEqualTo(256 * 1024);
        assertThat(config.maxUnreliableMessageBytes()).isEqualTo(16_377);
        assertThat(CHAT.maxMessageBytes()).isEqualTo(256 * 1024);
        assertThat(CHAT.sendQueueBytes()).isEqualTo(512 * 1024);
        assertThat(config.channel(1).maxMessageBytes()).isEqualTo(16_377);
        assertThat(config.requireChannelId("inputs")).isEqualTo(1);
        assertThat(config.channelId("none")).isEqualTo(-1);
        // chat: 512 KiB queue + 256 KiB block + 256 held messages of 1012 bytes; inputs: 64 KiB queue.
        assertThat(config.maxBufferedBytes()).isEqualTo(512 * 1024 + 256 * 1024 + 256 * 1012 + 64 * 1024);
    }

    @Test
    void badConfigurationsNameWhatToFix() {
        assertThatThrownBy(() -> ChannelConfig.of(" ", DeliveryMode.UNRELIABLE)).hasMessageContaining("channel name");
        assertThatThrownBy(() -> CHAT.withWindowMessages(0)).hasMessageContaining("'chat': windowMessages must be 1..16384");
        assertThatThrownBy(() -> CHAT.withSendQueueBytes(10)).hasMessageContaining("'chat': sendQueueBytes must be at least");
        assertThatThrownBy(() -> CHAT.withMaxMessageBytes(-1)).hasMessageContaining("maxMessageBytes must be >= 0");
        assertThatThrownBy(() -> MessageConfig.of(Collections.nCopies(65, CHAT))).hasMessageContaining("1..64 channels");
        assertThatThrownBy(() -> MessageConfig.of(CHAT, CHAT)).hasMessageContaining("'chat' is configured twice");
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withPacketBudgetBytes(20)).hasMessageContaining("packetBudgetBytes");
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withPacketsPerFlush(0)).hasMessageContaining("packetsPerFlush");
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withFlushIntervalSeconds(2)).hasMessageContaining("flushIntervalSeconds");
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withResendSeconds(0.5, 0.1)).hasMessageContaining("minResendSeconds");
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withMaxReliableMessageBytes(1000))
                .hasMessageContaining("channel 'chat': maxMessageBytes (262144) must be at most maxReliableMessageBytes (1000)");
        assertThatThrownBy(() -> MessageConfig.of(ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE)
                .withMaxMessageBytes(20_000))).hasMessageContaining("'inputs'").hasMessageContaining("16377");
        ReliableConfig d = ReliableConfig.defaults();
        ReliableConfig bigFragments = new ReliableConfig(d.maxPacketSize(), d.fragmentAbove(), d.maxFragments(), 1400,
                d.ackBufferSize(), d.sentPacketsBufferSize(), d.receivedPacketsBufferSize(),
                d.fragmentReassemblyBufferSize(), d.rttSmoothingFactor(), d.rttHistorySize(),
                d.packetLossSmoothingFactor(), d.bandwidthSmoothingFactor(), d.packetHeaderSize());
        assertThatThrownBy(() -> MessageConfig.of(CHAT).withReliable(bigFragments))
                .hasMessageContaining("reliable.fragmentSize must be at most 1186");
        assertThat(MessageConfig.of(List.of(CHAT.withMaxMessageBytes(1 << 20).withSendQueueBytes(1 << 21)))
                .maxReliableMessageBytes()).isEqualTo(1 << 20);
    }
}
