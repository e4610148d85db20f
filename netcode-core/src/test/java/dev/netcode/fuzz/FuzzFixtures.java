package dev.netcode.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.crypto.Aead;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenPrivate;
import dev.netcode.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fuzz targets share: the fixed inputs of the shared test vectors (so every vector packet
 * is a genuine packet for the fuzzed endpoints), deterministic connect tokens, the input framing of
 * the stateful targets, and an in-memory transport that records what is sent.
 *
 * <p>Everything here is deterministic: no random keys or nonces, so a fuzz input means the same
 * thing on every run and every machine, and a crash file replays exactly.
 */
final class FuzzFixtures {

    /** The vectors' protocol id. */
    static final long PROTOCOL_ID = 0x1122334455667788L;
    /** The vectors' private key: bytes a0..bf. */
    static final byte[] PRIVATE_KEY = range(0xa0, 32);
    /** The vectors' client-to-server key (40..5f), which every packet vector is sealed with. */
    static final byte[] PACKET_KEY = range(0x40, 32);
    /** Any other key (the vectors' server-to-client key, 60..7f): nothing in the vectors is sealed with it. */
    static final byte[] WRONG_KEY = range(0x60, 32);
    /** The vectors' connect-token nonce: bytes e0..f7. */
    static final byte[] TOKEN_NONCE = range(0xe0, NetcodeProtocol.CONNECT_TOKEN_NONCE_BYTES);
    /** The vectors' create timestamp; the vectors' loopback connection request expires 30 s later. */
    static final long UNIX_NOW = 1_700_000_000L;
    static final int TOKEN_EXPIRY = 30;
    static final int TIMEOUT = 15;

    /** The server address the vectors' loopback token lists first. */
    static final NetcodeAddress SERVER = NetcodeAddress.parse("127.0.0.1:40000");
    /** The second address of the vectors' loopback token. */
    static final NetcodeAddress SERVER_V6 = NetcodeAddress.parse("[::1]:40000");

    /** Datagrams longer than this are cut (no transport delivers more than 4 KiB). */
    static final int MAX_DATAGRAM = 4096;
    /** At most this many datagrams per input, to keep one execution short. */
    static final int MAX_RECORDS = 16;

    /** Canary bytes placed after a datagram, to catch a reader that writes past its length. */
    private static final int CANARY_BYTES = 32;
    private static final byte CANARY = (byte) 0xC3;

    private FuzzFixtures() {
    }

    /**
     * A read buffer holding {@code datagram} at 0, at least {@code capacity} bytes long, followed by
     * canary bytes up to its end ({@link #assertCanaryIntact} checks them).
     */
    static byte[] withCanary(byte[] datagram, int capacity) {
        byte[] buf = Arrays.copyOf(datagram, Math.max(datagram.length, capacity) + CANARY_BYTES);
        Arrays.fill(buf, datagram.length, buf.length, CANARY);
        return buf;
    }

    /** Fails if anything after the first {@code length} bytes of a {@link #withCanary} buffer changed. */
    static void assertCanaryIntact(byte[] buf, int length) {
        for (int i = length; i < buf.length; i++) {
            assertThat(buf[i]).as("byte %d past the datagram", i).isEqualTo(CANARY);
        }
    }

    static byte[] range(int first, int count) {
        byte[] out = new byte[count];
        for (int i = 0; i < count; i++) {
            out[i] = (byte) (first + i);
        }
        return out;
    }

    /**
     * A connect token like the vectors' (same keys, nonce, private key, protocol id and timestamps)
     * for {@code clientId}: both session keys are {@link #PACKET_KEY}, so the vectors' packets are
     * genuine in both directions.
     */
    static ConnectToken token(long clientId, NetcodeAddress... servers) {
        ConnectTokenPrivate privateToken = new ConnectTokenPrivate(clientId, TIMEOUT, List.of(servers), PACKET_KEY,
                PACKET_KEY, range(0, NetcodeProtocol.USER_DATA_BYTES));
        try (Aead aead = new Aead()) {
            return ConnectToken.seal(privateToken, List.of(servers), PROTOCOL_ID, UNIX_NOW, UNIX_NOW + TOKEN_EXPIRY,
                    TOKEN_NONCE, PRIVATE_KEY, aead);
        }
    }

    // ---- framing of the stateful targets ------------------------------------------------------

    /**
     * One datagram of a stateful target's input: a header byte whose meaning the target defines
     * (source address, delivery at an offset, ...) and the datagram.
     */
    record Datagram(int header, byte[] bytes) {
    }

    /**
     * Splits {@code data[from..]} into datagrams: each is a header byte, a big-endian u16 length and
     * that many bytes (fewer if the input ends first). Trailing 1..2 bytes are ignored.
     */
    static List<Datagram> datagrams(byte[] data, int from) {
        List<Datagram> out = new ArrayList<>();
        int p = from;
        while (p + 3 <= data.length && out.size() < MAX_RECORDS) {
            int header = data[p] & 0xFF;
            int length = Math.min((data[p + 1] & 0xFF) << 8 | (data[p + 2] & 0xFF), MAX_DATAGRAM);
            p += 3;
            int end = Math.min(data.length, p + length);
            out.add(new Datagram(header, Arrays.copyOfRange(data, p, end)));
            p = end;
        }
        return out;
    }

    /** The inverse of {@link #datagrams}: a config byte followed by framed datagrams. */
    static byte[] frame(int config, Datagram... datagrams) {
        int size = 1;
        for (Datagram d : datagrams) {
            size += 3 + d.bytes().length;
        }
        byte[] out = new byte[size];
        out[0] = (byte) config;
        int p = 1;
        for (Datagram d : datagrams) {
            out[p] = (byte) d.header();
            out[p + 1] = (byte) (d.bytes().length >>> 8);
            out[p + 2] = (byte) d.bytes().length;
            System.arraycopy(d.bytes(), 0, out, p + 3, d.bytes().length);
            p += 3 + d.bytes().length;
        }
        return out;
    }

    static Datagram datagram(int header, byte[] bytes) {
        return new Datagram(header, bytes);
    }

    /**
     * Hands {@code datagram} to {@code handler} as a transport would, on a private copy (readers
     * decrypt in place). With {@code atOffset}, the datagram sits inside a larger buffer with junk on
     * both sides, as a transport with a shared receive buffer might pass it.
     */
    static void deliver(Transport.DatagramHandler handler, NetcodeAddress from, byte[] datagram, boolean atOffset) {
        if (atOffset) {
            byte[] big = new byte[datagram.length + 13];
            Arrays.fill(big, (byte) 0x5A);
            System.arraycopy(datagram, 0, big, 5, datagram.length);
            handler.onDatagram(from, big, 5, datagram.length);
        }
        else {
            handler.onDatagram(from, datagram.clone(), 0, datagram.length);
        }
    }

    /** A transport that delivers nothing and records every send. */
    static final class CapturingTransport implements Transport {

        record Sent(NetcodeAddress to, byte[] bytes) {
        }

        private final NetcodeAddress local;
        final List<Sent> sent = new ArrayList<>();

        CapturingTransport(NetcodeAddress local) {
            this.local = local;
        }

        @Override
        public NetcodeAddress localAddress() {
            return local;
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
            sent.add(new Sent(to, Arrays.copyOfRange(buf, offset, offset + length)));
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            return 0;
        }

        @Override
        public void close() {
        }

        Sent last() {
            return sent.get(sent.size() - 1);
        }
    }
}
