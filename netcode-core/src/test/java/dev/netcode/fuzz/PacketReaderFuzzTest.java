package dev.netcode.fuzz;

import static dev.netcode.fuzz.FuzzFixtures.PACKET_KEY;
import static dev.netcode.fuzz.FuzzFixtures.PROTOCOL_ID;
import static dev.netcode.fuzz.FuzzFixtures.WRONG_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.Aead;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.packet.ReplayProtection;

/**
 * Fuzzes {@link PacketCodec#readEncrypted}, the reader of packet types 1..6, with the vectors' key
 * or a wrong one, the server's, the client's, every or a single allowed type, and with or without a
 * replay window.
 *
 * <p>Input: a config byte, then the datagram. Config bits 0-1: allowed types (server, client, all,
 * only type {@code bits 4-6}); bit 2: read with a wrong key; bit 3: use a replay window, advanced
 * beforehand to sequence {@code 100 * bits 4-7}.
 *
 * <p>Checks, beyond "never throws": nothing outside {@code [0, length)} is written; a refused
 * datagram is left as it was (unless it authenticated and only its body length was wrong) and does
 * not move the replay window; an accepted packet is of an allowed type, has a well-formed header
 * and body, and <em>re-seals to exactly the bytes received</em> under the key, so nothing the
 * reader accepts can be anything but a genuine packet; and a windowed packet accepted once is
 * refused as a replay the second time.
 */
class PacketReaderFuzzTest {


    private static final PacketCodec CODEC = new PacketCodec(PROTOCOL_ID);
    private static final Aead AEAD = new Aead();
    private static final Packet PACKET = new Packet();

    @FuzzTest
    void readEncrypted(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int config = data[0] & 0xFF;
        int allowed = switch (config & 3) {
            case 0 -> PacketType.SERVER_ALLOWED;
            case 1 -> PacketType.CLIENT_ALLOWED;
            case 2 -> PacketType.ALL;
            default -> 1 << ((config >>> 4) & 7);
        };
        byte[] key = (config & 4) != 0 ? WRONG_KEY : PACKET_KEY;
        ReplayProtection replay = null;
        if ((config & 8) != 0) {
            replay = new ReplayProtection();
            replay.advance(100L * (config >>> 4));
        }
        byte[] datagram = Arrays.copyOfRange(data, 1, data.length);
        int length = datagram.length;

        byte[] buf = FuzzFixtures.withCanary(datagram, length);
        long recentBefore = replay == null ? 0 : replay.mostRecentSequence();

        boolean accepted = CODEC.readEncrypted(buf, length, key, allowed, replay, PACKET);

        FuzzFixtures.assertCanaryIntact(buf, length);
        if (!accepted) {
            DropReason reason = PACKET.dropReason();
            assertThat(reason).isNotNull();
            if (reason != DropReason.BAD_BODY_LENGTH) {
                assertThat(Arrays.equals(buf, 0, length, datagram, 0, length))
                        .as("a refused datagram is left as it was (%s)", reason).isTrue();
                if (replay != null) {
                    assertThat(replay.mostRecentSequence()).as("refused (%s) but the window moved", reason)
                            .isEqualTo(recentBefore);
                }
            }
            return;
        }

        PacketType type = PACKET.type();
        int prefix = datagram[0] & 0xFF;
        int sequenceBytes = prefix >>> 4;
        assertThat(type).isNotNull().isNotEqualTo(PacketType.CONNECTION_REQUEST);
        assertThat(type.isIn(allowed)).as("type %s is not allowed", type).isTrue();
        assertThat(type.value()).isEqualTo(prefix & 0x0F);
        assertThat(sequenceBytes).isBetween(1, 8);
        long sequence = 0;
        for (int i = sequenceBytes - 1; i >= 0; i--) {
            sequence = sequence << 8 | (datagram[1 + i] & 0xFF);
        }
        assertThat(PACKET.sequence()).isEqualTo(sequence);
        assertThat(PACKET.bodyOffset()).isEqualTo(1 + sequenceBytes);
        assertThat(PACKET.bodyOffset() + PACKET.bodyLength() + NetcodeProtocol.MAC_BYTES).isEqualTo(length);
        int body = PACKET.bodyOffset();
        switch (type) {
            case CONNECTION_DENIED, DISCONNECT -> assertThat(PACKET.bodyLength()).isZero();
            case CONNECTION_CHALLENGE, CONNECTION_RESPONSE -> {
                assertThat(PACKET.bodyLength()).isEqualTo(PacketCodec.CHALLENGE_BODY_BYTES);
                assertThat(PACKET.challengeSequence()).isEqualTo(Bytes.readU64(buf, body));
                assertThat(PACKET.challengeTokenOffset()).isEqualTo(body + 8);
            }
            case KEEP_ALIVE -> {
                assertThat(PACKET.bodyLength()).isEqualTo(PacketCodec.KEEP_ALIVE_BODY_BYTES);
                assertThat(PACKET.clientIndex()).isEqualTo(Bytes.readU32(buf, body));
                assertThat(PACKET.maxClients()).isEqualTo(Bytes.readU32(buf, body + 4));
            }
            case PAYLOAD -> assertThat(PACKET.bodyLength()).isBetween(1, NetcodeProtocol.MAX_PAYLOAD_BYTES);
            default -> throw new AssertionError("unexpected type " + type);
        }
        assertThat(Arrays.equals(buf, 0, body, datagram, 0, body)).as("header changed").isTrue();

        // Authenticity: sealing the plaintext again under the same key, nonce and associated data
        // must give back exactly the datagram.
        byte[] ad = new byte[NetcodeProtocol.VERSION_INFO_BYTES + 9];
        NetcodeProtocol.writeVersionInfo(ad, 0);
        Bytes.writeU64(ad, NetcodeProtocol.VERSION_INFO_BYTES, PROTOCOL_ID);
        ad[ad.length - 1] = (byte) prefix;
        byte[] resealed = Arrays.copyOf(buf, length);
        AEAD.encrypt(resealed, body, PACKET.bodyLength(), ad, ad.length, sequence, key);
        assertThat(Arrays.equals(resealed, datagram)).as("accepted a %s that does not re-seal to itself", type)
                .isTrue();

        boolean windowed = type == PacketType.KEEP_ALIVE || type == PacketType.PAYLOAD
                || type == PacketType.DISCONNECT;
        // The window marks empty cells with sequence 2^64-1, as the reference does, so that one sequence
        // is never recorded (vectors/README.md calls it implementation-defined; no peer ever gets there:
        // sequences count up from 0).
        if (replay != null && windowed && sequence != -1L) {
            assertThat(replay.isAlreadyReceived(sequence)).isTrue();
            byte[] again = datagram.clone();
            assertThat(CODEC.readEncrypted(again, length, key, allowed, replay, PACKET)).as("replay accepted")
                    .isFalse();
            assertThat(PACKET.dropReason()).isEqualTo(DropReason.REPLAYED);
        }
    }
}
