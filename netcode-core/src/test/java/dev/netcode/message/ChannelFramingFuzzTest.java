package dev.netcode.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.reliable.PacketHeader;

/**
 * Fuzzes the channel framing reader ({@link PacketReader}) and, through the reliable layer, a
 * {@link MessageConnection} receiving the packet.
 *
 * <p>Input: one message packet (the payload of a reliable packet), at most 1024 bytes used.
 *
 * <p>Checks, beyond "never throws": the input is never written to; every entry the reader accepts
 * lies within the packet and within its channel's limits, and a packet it reads to the end
 * re-encodes to exactly the bytes read (so there is one encoding of every packet, and nothing is
 * skipped); a connection that receives the packet (twice: a duplicate) stays within its memory
 * budget, delivers only messages within their channel's limit, and counts a packet the reader
 * refuses as invalid (or as an overflow).
 */
public class ChannelFramingFuzzTest {

    static final MessageConfig CONFIG = MessageConfig.of(
            ChannelConfig.of("inputs", DeliveryMode.UNRELIABLE).withMaxMessageBytes(3000),
            ChannelConfig.of("snapshots", DeliveryMode.UNRELIABLE_SEQUENCED).withMaxMessageBytes(200),
            ChannelConfig.of("chat", DeliveryMode.RELIABLE_ORDERED).withMaxMessageBytes(5000).withWindowMessages(16),
            ChannelConfig.of("events", DeliveryMode.RELIABLE_UNORDERED).withMaxMessageBytes(5000)
                    .withWindowMessages(16)).withPacketBudgetBytes(300);

    private static final int MAX_INPUT = 1024;

    @FuzzTest
    void readPacket(byte[] input) {
        byte[] data = Arrays.copyOf(input, Math.min(input.length, MAX_INPUT));
        byte[] original = data.clone();
        int outcome = read(data);
        assertThat(data).as("the reader never writes").isEqualTo(original);

        long[] delivered = new long[1];
        MessageConnection connection = new MessageConnection(CONFIG, 0, (buf, offset, length) -> { },
                (channel, buf, offset, length) -> {
                    assertThat(length).isBetween(0, CONFIG.channel(channel).maxMessageBytes());
                    assertThat(offset).isGreaterThanOrEqualTo(0);
                    assertThat(offset + length).isLessThanOrEqualTo(buf.length);
                    delivered[0]++;
                });
        byte[] datagram = new byte[PacketHeader.MAX_BYTES + data.length];
        int header = PacketHeader.write(datagram, 0, 0, 0, 0);
        System.arraycopy(data, 0, datagram, header, data.length);
        connection.receivePayload(datagram, 0, header + data.length);
        connection.update(0.01);
        connection.receivePayload(datagram, 0, header + data.length);
        for (int channel = 0; channel < CONFIG.channels().size(); channel++) {
            assertThat(connection.bufferedBytes(channel)).isLessThanOrEqualTo(CONFIG.maxBufferedBytes(channel));
            assertThat(connection.allocatedBytes(channel)).isLessThanOrEqualTo(CONFIG.maxBufferedBytes(channel));
        }
        if (outcome != PacketReader.END && data.length > 0) {
            assertThat(connection.stats().packetsInvalid() > 0 || connection.isOverflowed())
                    .as("a refused packet is counted").isTrue();
            assertThat(delivered[0]).as("nothing of a refused packet is delivered").isZero();
        }
    }

    /** Reads the packet; returns the reader's last result, after checking every entry. */
    private static int read(byte[] data) {
        PacketReader reader = new PacketReader(CONFIG);
        if (!reader.start(data, 0, data.length)) {
            return PacketReader.INVALID;
        }
        byte[] encoded = new byte[data.length + 16];
        encoded[0] = Framing.FORMAT;
        int pos = MessageConfig.PACKET_HEADER_BYTES;
        int result;
        while ((result = reader.next()) == PacketReader.ENTRY) {
            ChannelConfig channel = CONFIG.channel(reader.channel);
            assertThat(reader.dataOffset).isGreaterThanOrEqualTo(1);
            assertThat(reader.dataOffset + reader.dataLength).isLessThanOrEqualTo(data.length);
            assertThat(reader.messageLength).isBetween(0, channel.maxMessageBytes());
            if (reader.kind == Framing.KIND_MESSAGE) {
                if (channel.delivery().isReliable()) {
                    assertThat(reader.dataLength).isLessThanOrEqualTo(CONFIG.blockFragmentBytes());
                }
                pos = Framing.writeMessageHeader(encoded, pos, reader.channel, channel.delivery().hasMessageId(),
                        reader.id, reader.dataLength);
            }
            else {
                assertThat(reader.kind).isEqualTo(Framing.KIND_FRAGMENT);
                assertThat(channel.delivery().isReliable()).isTrue();
                assertThat(reader.dataLength).isEqualTo(
                        Framing.fragmentLength(reader.messageLength, reader.fragmentSize, reader.fragmentIndex));
                pos = Framing.writeFragmentHeader(encoded, pos, reader.channel, reader.id, reader.messageLength,
                        reader.fragmentSize, reader.fragmentIndex);
            }
            System.arraycopy(data, reader.dataOffset, encoded, pos, reader.dataLength);
            pos += reader.dataLength;
        }
        if (result == PacketReader.END) {
            assertThat(Arrays.copyOf(encoded, pos)).as("an accepted packet re-encodes to itself").isEqualTo(data);
        }
        return result;
    }

    /** Seeds: well-formed packets of every entry kind, and the malformed variants the reader must refuse. */
    public static Map<String, byte[]> seeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("acks-only", new byte[] {0});
        seeds.put("unreliable", packet(message(0, 0, 5), message(0, 0, 0)));
        seeds.put("sequenced", packet(message(1, 65_535, 20), message(1, 0, 1)));
        seeds.put("ordered", packet(message(2, 0, 10), message(2, 1, 200), message(2, 3, 3)));
        seeds.put("unordered", packet(message(3, 15, 100), message(3, 2, 2)));
        seeds.put("all-channels", packet(message(0, 0, 130), message(1, 7, 1), message(2, 0, 1), message(3, 0, 1)));
        seeds.put("fragments", packet(fragment(2, 0, 1000, 288, 0), fragment(3, 0, 1000, 288, 3)));
        seeds.put("beyond-window", packet(message(2, 16, 4)));
        seeds.put("behind-window", packet(message(3, 40_000, 4)));
        seeds.put("bad-format", new byte[] {1, 0, 1, 7});
        seeds.put("unknown-channel", new byte[] {0, 4, 1, 7});
        seeds.put("bad-kind", new byte[] {0, (byte) 0x80, 1, 7});
        seeds.put("long-varint", new byte[] {0, 0, (byte) 0x81, 0, 7});
        seeds.put("fragment-on-unreliable", packet(fragment(0, 0, 1000, 288, 0)));
        seeds.put("truncated", Arrays.copyOf(packet(message(2, 0, 50)), 30));
        return seeds;
    }

    private static byte[] packet(byte[]... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Framing.FORMAT);
        for (byte[] entry : entries) {
            out.writeBytes(entry);
        }
        return out.toByteArray();
    }

    private static byte[] message(int channel, int id, int length) {
        byte[] entry = new byte[Framing.messageEntryBytes(true, length)];
        int pos = Framing.writeMessageHeader(entry, 0, channel, CONFIG.channel(channel).delivery().hasMessageId(), id,
                length);
        for (int i = 0; i < length; i++) {
            entry[pos + i] = (byte) (i * 7 + channel);
        }
        return Arrays.copyOf(entry, pos + length);
    }

    private static byte[] fragment(int channel, int id, int messageLength, int size, int index) {
        int length = Framing.fragmentLength(messageLength, size, index);
        byte[] entry = new byte[MessageConfig.FRAGMENT_HEADER_BYTES + length];
        int pos = Framing.writeFragmentHeader(entry, 0, channel, id, messageLength, size, index);
        for (int i = 0; i < length; i++) {
            entry[pos + i] = (byte) (i + index);
        }
        return entry;
    }
}
