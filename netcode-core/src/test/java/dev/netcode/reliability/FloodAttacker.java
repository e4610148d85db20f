package dev.netcode.reliability;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketType;
import dev.netcode.token.ConnectToken;
import dev.netcode.transport.UdpTransport;

/**
 * The attacker of {@link FloodTest}, run as a second OS process: it floods a netcode server on
 * 127.0.0.1 as fast as one thread can send, for at most {@code seconds} and at most
 * {@code maxDatagrams} datagrams, with four kinds of junk, round-robin over four sockets:
 * <ul>
 * <li><b>forged</b> connection requests: right size, version, protocol id and a future expiry, but a
 * private token sealed with nothing (the server pays one XChaCha20-Poly1305 open to find out);</li>
 * <li><b>replayed</b> connection requests, byte-for-byte copies of two real ones captured by the test:
 * one of a client that is connected right now, one of a client that used its token and left;</li>
 * <li><b>garbage</b>: random bytes of random length 1..1500;</li>
 * <li><b>bad tags</b>: well-formed payload packets (prefix, sequence, body) with a random
 * authentication tag, from the outside sockets and also from an <em>insider</em>: a client that
 * connected with a valid token of its own, so the server holds a key for its address and must run
 * the AEAD on each of them.</li>
 * </ul>
 * For every datagram it computes the drop reason the server should count, as the server would see
 * it from that address, and prints the totals on its last line:
 * {@code ATTACK sent=N forged=N replayed=N garbage=N badtag=N insider=STATE expected=REASON:N,...}.
 *
 * <p>Arguments: server address, seconds, max datagrams, protocol id (hex), and a file whose lines
 * are the hex of the two captured requests and the insider's 2048-byte connect token.
 */
public final class FloodAttacker {

    private static final int SOCKETS = 4;
    private static final int POOL = 64;
    private static final long INSIDER_SEQUENCE = 1L << 40;

    public static void main(String[] args) throws Exception {
        NetcodeAddress server = NetcodeAddress.parse(args[0]);
        long seconds = Long.parseLong(args[1]);
        long maxDatagrams = Long.parseLong(args[2]);
        long protocolId = Long.parseUnsignedLong(args[3], 16);
        List<String> material = Files.readAllLines(Path.of(args[4]));
        byte[][] replays = { Bytes.fromHex(material.get(0)), Bytes.fromHex(material.get(1)) };
        ConnectToken insiderToken = ConnectToken.read(Bytes.fromHex(material.get(2)));
        if (!server.toInetAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the flood only ever targets 127.0.0.1, not " + server);
        }

        SplittableRandom random = new SplittableRandom(0xF100D);
        InetSocketAddress target = server.toInetSocketAddress();
        DatagramChannel[] outsiders = new DatagramChannel[SOCKETS];
        for (int i = 0; i < SOCKETS; i++) {
            outsiders[i] = DatagramChannel.open();
            outsiders[i].bind(new InetSocketAddress("127.0.0.1", 0));
        }

        // The insider: a client that really connects, so the server has a key for its address.
        UdpTransport insiderTransport = UdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"));
        ClientStateMachine insider = new ClientStateMachine(insiderTransport, 0.0);
        long base = System.nanoTime();
        insider.connect(insiderToken);
        while (insider.state().isActive() && insider.state() != ClientState.CONNECTED
                && System.nanoTime() - base < 5_000_000_000L) {
            insider.update((System.nanoTime() - base) / 1e9);
            Thread.sleep(2);
        }
        if (insider.state() != ClientState.CONNECTED) {
            System.out.println("insider could not connect: " + insider.state());
        }

        byte[][] forged = new byte[POOL][];
        byte[][] garbage = new byte[POOL * 4][];
        byte[][] badTags = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            forged[i] = forgedRequest(random, protocolId, insiderToken.expireTimestamp());
            badTags[i] = badTagPayload(random, INSIDER_SEQUENCE + i);
        }
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1 + random.nextInt(1500)];
            random.nextBytes(garbage[i]);
        }

        Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
        long[] kinds = new long[4];
        long sent = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long nextInsiderUpdate = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        boolean insiderConnected = insider.state() == ClientState.CONNECTED;
        for (long round = 0; sent < maxDatagrams; round++) {
            if ((round & 255) == 0) {
                long now = System.nanoTime();
                if (now >= deadline) {
                    break;
                }
                if (now >= nextInsiderUpdate) {
                    insider.update((now - base) / 1e9);
                    insiderConnected = insider.state() == ClientState.CONNECTED;
                    nextInsiderUpdate = now + 10_000_000L;
                }
            }
            int kind = (int) (round % 4);
            DatagramChannel socket = outsiders[(int) (round / 4 % SOCKETS)];
            byte[] datagram;
            DropReason reason;
            switch (kind) {
                case 0 -> {
                    datagram = forged[(int) (round / 4 % POOL)];
                    reason = DropReason.TOKEN_DECRYPT_FAILED;
                }
                case 1 -> {
                    // The connected client's request: its id is in a slot. The other client left: its token is consumed.
                    int which = (int) (round / 4 % 2);
                    datagram = replays[which];
                    reason = which == 0 ? DropReason.CLIENT_ID_ALREADY_CONNECTED : DropReason.TOKEN_ALREADY_USED;
                }
                case 2 -> {
                    datagram = garbage[(int) (round / 4 % garbage.length)];
                    reason = datagram.length <= 1 || datagram[0] == 0 ? DropReason.BAD_LENGTH : DropReason.NO_KEY;
                    if (datagram.length == NetcodeProtocol.CONNECTION_REQUEST_BYTES && datagram[0] == 0) {
                        reason = DropReason.BAD_VERSION;
                    }
                }
                default -> {
                    datagram = badTags[(int) (round / 4 % POOL)];
                    if (insiderConnected && (round / 4) % 2 == 0) {
                        // From the insider's own socket: the server decrypts and fails.
                        long errors = insiderTransport.sendErrors();
                        insiderTransport.send(server, datagram, 0, datagram.length);
                        if (insiderTransport.sendErrors() == errors) {
                            sent++;
                            kinds[3]++;
                            expected.merge(DropReason.DECRYPT_FAILED, 1L, Long::sum);
                        }
                        continue;
                    }
                    reason = DropReason.NO_KEY;
                }
            }
            buffer.clear();
            buffer.put(datagram).flip();
            if (socket.send(buffer, target) > 0) {
                sent++;
                kinds[kind]++;
                expected.merge(reason, 1L, Long::sum);
            }
        }
        ClientState insiderState = insider.state();
        // No clean disconnect: its 10 redundant packets would add 9 NO_KEY drops that are not junk
        // (the first frees the slot and its key). The server times the insider out instead.
        insiderTransport.close();
        for (DatagramChannel socket : outsiders) {
            socket.close();
        }
        StringBuilder line = new StringBuilder("ATTACK sent=" + sent + " forged=" + kinds[0] + " replayed=" + kinds[1]
                + " garbage=" + kinds[2] + " badtag=" + kinds[3] + " insider=" + insiderState + " expected=");
        expected.forEach((reason, count) -> line.append(reason).append(':').append(count).append(','));
        System.out.println(line);
        System.out.flush();
    }

    /** A connection request that passes every check before decryption and fails that. */
    private static byte[] forgedRequest(SplittableRandom random, long protocolId, long expireTimestamp) {
        byte[] request = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
        random.nextBytes(request);
        request[0] = 0;
        NetcodeProtocol.writeVersionInfo(request, 1);
        Bytes.writeU64(request, 1 + NetcodeProtocol.VERSION_INFO_BYTES, protocolId);
        Bytes.writeU64(request, 1 + NetcodeProtocol.VERSION_INFO_BYTES + 8, expireTimestamp);
        return request;
    }

    /** A payload packet, well formed but for its random authentication tag. */
    private static byte[] badTagPayload(SplittableRandom random, long sequence) {
        int sequenceBytes = 8 - Long.numberOfLeadingZeros(sequence) / 8;
        byte[] packet = new byte[1 + sequenceBytes + 64 + NetcodeProtocol.MAC_BYTES];
        random.nextBytes(packet);
        packet[0] = (byte) (sequenceBytes << 4 | PacketType.PAYLOAD.value());
        for (int i = 0; i < sequenceBytes; i++) {
            packet[1 + i] = (byte) (sequence >>> (8 * i));
        }
        return packet;
    }

    private FloodAttacker() {
    }
}
