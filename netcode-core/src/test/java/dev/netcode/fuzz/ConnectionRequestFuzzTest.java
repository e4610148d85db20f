package dev.netcode.fuzz;

import static dev.netcode.fuzz.FuzzFixtures.PRIVATE_KEY;
import static dev.netcode.fuzz.FuzzFixtures.PROTOCOL_ID;
import static dev.netcode.fuzz.FuzzFixtures.UNIX_NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.crypto.Aead;
import dev.netcode.packet.Packet;
import dev.netcode.packet.PacketCodec;
import dev.netcode.packet.PacketType;
import dev.netcode.token.ConnectTokenPrivate;

/**
 * Fuzzes the server's connection request reader, {@link PacketCodec#readConnectionRequest}, and the
 * private token parser behind it: the one packet an unauthenticated stranger can make a server
 * spend crypto on.
 *
 * <p>Input: a config byte, then the datagram. Config bits 0-2 pick the server's wall clock (the
 * vectors' "now", one second before the loopback request expires, the expiry itself, 0, or the
 * largest unsigned time); bit 7 applies the restart rule (tokens must expire 30 s after "now" or
 * later) instead of none.
 *
 * <p>Checks: never throws; nothing past the datagram is written; a refused request that did not
 * authenticate is left as it was; an accepted request is exactly 1078 bytes, of this protocol id,
 * unexpired and not older than the restart rule allows, and its decrypted private part re-seals to
 * exactly the bytes received (only the holder of the private key can make a request that passes);
 * the parser then never throws on it.
 */
class ConnectionRequestFuzzTest {

    private static final int PRIVATE_OFFSET = 54;
    private static final long[] CLOCKS = {UNIX_NOW, UNIX_NOW + 29, UNIX_NOW + 30, 0, -1L, UNIX_NOW - 1};

    private static final PacketCodec CODEC = new PacketCodec(PROTOCOL_ID);
    private static final Aead AEAD = new Aead();
    private static final Packet PACKET = new Packet();

    @FuzzTest
    void readConnectionRequest(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int config = data[0] & 0xFF;
        long now = CLOCKS[(config & 7) % CLOCKS.length];
        long minExpire = (config & 0x80) != 0 ? now + NetcodeProtocol.DEFAULT_MAX_CONNECT_TOKEN_LIFETIME : 0;
        byte[] datagram = Arrays.copyOfRange(data, 1, data.length);
        int length = datagram.length;
        // The server reads into a buffer at least as long as the longest packet it accepts.
        byte[] buf = FuzzFixtures.withCanary(datagram, NetcodeProtocol.MAX_PACKET_BYTES);

        boolean accepted = CODEC.readConnectionRequest(buf, length, PRIVATE_KEY, now, minExpire, PACKET);

        FuzzFixtures.assertCanaryIntact(buf, length);
        if (!accepted) {
            assertThat(PACKET.dropReason()).isNotNull();
            assertThat(Arrays.equals(buf, 0, length, datagram, 0, length)).as("refused request was modified")
                    .isTrue();
            return;
        }
        assertThat(length).isEqualTo(NetcodeProtocol.CONNECTION_REQUEST_BYTES);
        assertThat(datagram[0]).isZero();
        assertThat(NetcodeProtocol.isVersionInfo(datagram, 1)).isTrue();
        assertThat(Bytes.readU64(datagram, 14)).isEqualTo(PROTOCOL_ID);
        long expire = Bytes.readU64(datagram, 22);
        assertThat(PACKET.type()).isEqualTo(PacketType.CONNECTION_REQUEST);
        assertThat(PACKET.expireTimestamp()).isEqualTo(expire);
        assertThat(Long.compareUnsigned(expire, now)).as("expired token accepted").isPositive();
        assertThat(Long.compareUnsigned(expire, minExpire)).as("token older than the restart rule accepted")
                .isNotNegative();
        assertThat(PACKET.privateTokenOffset()).isEqualTo(PRIVATE_OFFSET);
        assertThat(Arrays.equals(buf, 0, PRIVATE_OFFSET, datagram, 0, PRIVATE_OFFSET)).isTrue();

        byte[] resealed = Arrays.copyOf(buf, length);
        ConnectTokenPrivate.encrypt(AEAD, resealed, PRIVATE_OFFSET, PROTOCOL_ID, expire,
                Arrays.copyOfRange(datagram, 30, 54), PRIVATE_KEY);
        assertThat(Arrays.equals(resealed, datagram)).as("accepted a request that does not re-seal to itself")
                .isTrue();

        ConnectTokenPrivate token = ConnectTokenPrivate.read(buf, PRIVATE_OFFSET);
        if (token != null) {
            assertThat(token.serverAddresses()).hasSizeBetween(1, NetcodeProtocol.MAX_SERVERS_PER_CONNECT);
        }
    }
}
