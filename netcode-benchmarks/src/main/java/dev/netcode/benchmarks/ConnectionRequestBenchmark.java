package dev.netcode.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;

/**
 * What one connection request costs a running server (256 slots, the reference's size), from the
 * datagram to the verdict, by kind of request:
 * <ul>
 * <li>{@code VALID}: a genuine request, the same one again and again from the same address, as a
 * client retransmits it: token decryption, token history, encryption mapping, challenge token
 * sealed, challenge packet written and sent;</li>
 * <li>{@code FORGED}: a correct-looking header (length, version, protocol id, expiry) with a
 * random private token: the most an attacker can make the server do per spoofed packet, one
 * failed XChaCha20-Poly1305 decryption of 1 KB;</li>
 * <li>junk that cheaper checks reject before any crypto: {@code BAD_LENGTH} (1077 bytes),
 * {@code BAD_VERSION}, {@code WRONG_PROTOCOL_ID}, {@code EXPIRED}, {@code PREDATES_START} (the
 * restart rule), and {@code NO_KEY} (an encrypted packet from an address with no mapping).</li>
 * </ul>
 * Each operation first copies the datagram into the receive buffer, as a transport does, because a
 * valid request is decrypted in place. Every kind asserts, after warm-up, that it is dropped for
 * the reason it is named after (or, valid, not dropped).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ConnectionRequestBenchmark {

    public enum Kind {
        VALID(null),
        FORGED(DropReason.TOKEN_DECRYPT_FAILED),
        BAD_LENGTH(DropReason.BAD_LENGTH),
        BAD_VERSION(DropReason.BAD_VERSION),
        WRONG_PROTOCOL_ID(DropReason.WRONG_PROTOCOL_ID),
        EXPIRED(DropReason.TOKEN_EXPIRED),
        PREDATES_START(DropReason.TOKEN_PREDATES_START),
        NO_KEY(DropReason.NO_KEY);

        final DropReason expected;

        Kind(DropReason expected) {
            this.expected = expected;
        }
    }

    private static final NetcodeAddress ATTACKER = NetcodeAddress.parse("127.0.0.1:50001");

    @Param
    Kind kind;

    private final byte[] datagram = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
    private final byte[] receiveBuffer = new byte[NetcodeProtocol.MAX_PACKET_BYTES];
    private int length = NetcodeProtocol.CONNECTION_REQUEST_BYTES;
    private MemoryTransport transport;
    private ServerStateMachine server;

    @Setup(Level.Trial)
    public void setUp() {
        transport = new MemoryTransport(Fixtures.SERVER_ADDRESS);
        server = new ServerStateMachine(Fixtures.serverConfig(new ServerEventHandler() {
        }).build(), transport, 0.0);
        server.start(256);
        try (PacketCodec codec = new PacketCodec(Fixtures.PROTOCOL_ID)) {
            codec.writeConnectionRequest(datagram, Fixtures.tokens().generate(1, List.of(Fixtures.SERVER_ADDRESS), 300,
                    15, null));
        }
        switch (kind) {
            case VALID -> {
            }
            case FORGED -> {
                byte[] junk = new byte[NetcodeProtocol.CONNECT_TOKEN_PRIVATE_BYTES];
                new SplittableRandom(1).nextBytes(junk);
                System.arraycopy(junk, 0, datagram, 54, junk.length);
            }
            case BAD_LENGTH -> length--;
            case BAD_VERSION -> datagram[9]++;
            case WRONG_PROTOCOL_ID -> datagram[14]++;
            case EXPIRED -> Bytes.writeU64(datagram, 22, Fixtures.UNIX_TIME - 1);
            case PREDATES_START -> Bytes.writeU64(datagram, 22, Fixtures.UNIX_TIME + 1);
            case NO_KEY -> datagram[0] = 0x14;
        }
    }

    @TearDown(Level.Iteration)
    public void check() {
        long dropped = server.dropCounters().total();
        if (kind.expected == null ? dropped != 0 : dropped != server.dropCounters().get(kind.expected)) {
            throw new IllegalStateException(kind + ": unexpected drops " + server.dropCounters());
        }
        if (kind == Kind.VALID && transport.sent == 0) {
            throw new IllegalStateException("valid requests were not answered");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.close();
    }

    @Benchmark
    public long request() {
        System.arraycopy(datagram, 0, receiveBuffer, 0, length);
        server.onDatagram(ATTACKER, receiveBuffer, 0, length);
        return transport.sent;
    }
}
