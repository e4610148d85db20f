package dev.netcode.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.crypto.Aead;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.SimulatedNetwork;

/**
 * Runs the server's hot paths on synthetic traffic before a {@link NetcodeServer} binds its socket,
 * so the JIT has compiled them before real packets arrive: in a fresh JVM the interpreter and the
 * compiler threads otherwise compete with the first second of a full match, and that is when
 * packets are dropped.
 *
 * <p>Each round connects a {@link ClientStateMachine} to a {@link ServerStateMachine} through the
 * real handshake (connection request with a freshly sealed connect token, challenge, response),
 * exchanges encrypted payloads both ways, lets keep-alives fall due and disconnects. The packets
 * cross an in-memory {@link SimulatedNetwork} that duplicates some of them, so the replay window
 * rejects as well as accepts; the AEAD goes through whichever libsodium binding is in use. Rounds
 * stop when the time budget is spent or after {@link #MAX_ROUNDS}, whichever comes first; the first
 * round always completes, which in a fresh JVM can take 100-250 ms on its own (class loading and
 * linking, in the interpreter), time the server would otherwise spend on its first packets.
 *
 * <p>It runs once per JVM ({@link #once}), as the compiled code serves every server the JVM runs.
 * Nothing is shared with a real server: the throw-away server has its own random private key,
 * configuration, statistics, token history, slots and global sequence, its address exists only on
 * the in-memory network, and its own log lines are silenced.
 */
public final class ServerWarmUp {

    /**
     * Rounds at most, whatever the budget: over 50,000 encrypted packets, past the JIT's compile thresholds. It
     * must stay below the throw-away server's token-history capacity (2048): every round's token stays there.
     */
    public static final int MAX_ROUNDS = 400;

    /** Payloads each side sends per round, 200 bytes each (a typical game snapshot). */
    static final int PAYLOADS_PER_ROUND = 64;

    private static final Logger log = LoggerFactory.getLogger(ServerWarmUp.class);

    private static final NetcodeAddress SERVER_ADDRESS = NetcodeAddress.parse("127.0.0.1:40000");
    private static final int PAYLOAD_BYTES = 200;
    /** Update-clock step of the simulation: more than the 0.1 s keep-alive interval, far below a timeout. */
    private static final double STEP_SECONDS = 0.125;
    private static final int MAX_HANDSHAKE_STEPS = 20;
    private static final double DUPLICATE_PERCENT = 5;

    /**
     * What a warm-up did: connections made, packets the throw-away server received and sent, time taken.
     *
     * @param rounds 0 when disabled
     */
    public record Result(int rounds, long packets, Duration elapsed) {

        /** No warm-up. */
        public static final Result NONE = new Result(0, 0, Duration.ZERO);
    }

    /** The warm-up {@link #once} ran in this JVM, if any. */
    private static Result jvmWarmUp;

    private ServerWarmUp() {
    }

    /**
     * The JVM's warm-up: the first call with a budget runs it ({@link #run}), later calls wait for that one and
     * return its result, since compiled code serves every server in the JVM. A zero budget returns
     * {@link Result#NONE} at once: that server neither runs nor waits for a warm-up.
     */
    static synchronized Result once(long protocolId, Duration budget) {
        if (budget.isZero()) {
            return Result.NONE;
        }
        if (jvmWarmUp == null) {
            jvmWarmUp = run(protocolId, budget);
        }
        return jvmWarmUp;
    }

    /**
     * Runs rounds until {@code budget} (positive) is spent or {@link #MAX_ROUNDS} are done (at least one), and logs
     * once at INFO what it did. Never throws: a failure is logged as a warning and the server starts cold.
     *
     * @param protocolId the real server's protocol id (the codec checks it on every packet)
     */
    static Result run(long protocolId, Duration budget) {
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        byte[] privateKey = SecureRandomBytes.key();
        ServerConfig config = ServerConfig.builder(protocolId, privateKey).serverAddress(SERVER_ADDRESS).build();
        SimulatedNetwork network = new SimulatedNetwork().setDuplicatePercent(DUPLICATE_PERCENT);
        int rounds = 0;
        long packets = 0;
        try (ConnectTokenGenerator tokens = new ConnectTokenGenerator(privateKey, protocolId);
                ServerStateMachine server = new ServerStateMachine(config, network.endpoint(SERVER_ADDRESS), 0.0,
                        new ServerStatistics(), NOPLogger.NOP_LOGGER)) {
            server.start(1);
            Simulation simulation = new Simulation(network, server);
            // The first round always runs: in a fresh JVM it is mostly the class loading and linking the server
            // needs anyway, and may take a budget of its own.
            do {
                if (!simulation.round(tokens, rounds + 1)) {
                    log.warn("netcode warm-up: the synthetic client did not connect; the server starts cold");
                    break;
                }
                rounds++;
            }
            while (rounds < MAX_ROUNDS && System.nanoTime() - deadline < 0);
            packets = server.packetsReceived() + server.packetsSent();
        }
        catch (RuntimeException ex) {
            log.warn("netcode warm-up failed; the server starts cold", ex);
        }
        finally {
            config.destroy();
            Arrays.fill(privateKey, (byte) 0);
        }
        Result result = new Result(rounds, packets, Duration.ofNanos(System.nanoTime() - started));
        log.info("netcode warm-up: {} packets in {} connections in {} ms (budget {} ms), libsodium via {}",
                result.packets(), result.rounds(), result.elapsed().toMillis(), budget.toMillis(), Aead.nativeBinding());
        return result;
    }

    /** One server and the simulated clock all rounds share. */
    private static final class Simulation {

        private final SimulatedNetwork network;
        private final ServerStateMachine server;
        private final byte[] payload = new byte[PAYLOAD_BYTES];
        private double time;

        Simulation(SimulatedNetwork network, ServerStateMachine server) {
            this.network = network;
            this.server = server;
            SecureRandomBytes.fill(payload);
        }

        /** Connects a new client, exchanges payloads and keep-alives, disconnects; false if it never connected. */
        boolean round(ConnectTokenGenerator tokens, long clientId) {
            try (ClientStateMachine client = new ClientStateMachine(network.endpoint(), time)) {
                client.connect(tokens.generate(clientId, List.of(SERVER_ADDRESS), 60, 5, null));
                for (int i = 0; i < MAX_HANDSHAKE_STEPS && client.state() != ClientState.CONNECTED; i++) {
                    step(client, STEP_SECONDS);
                }
                if (client.state() != ClientState.CONNECTED) {
                    return false;
                }
                for (int i = 0; i < PAYLOADS_PER_ROUND; i++) {
                    client.sendPayload(payload);
                    server.sendPayload(client.clientIndex(), payload);
                    step(client, 0.0);
                }
                step(client, STEP_SECONDS);
                step(client, STEP_SECONDS);
                client.disconnect();
                step(client, 0.0);
                return true;
            }
        }

        private void step(ClientStateMachine client, double seconds) {
            time += seconds;
            network.update(time);
            server.update(time);
            client.update(time);
        }
    }
}
