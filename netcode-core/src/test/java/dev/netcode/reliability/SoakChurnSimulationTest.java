package dev.netcode.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.packet.DropReason;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.DisconnectReason;
import dev.netcode.server.ServerAudit;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.Transport;

import static dev.netcode.client.ClientState.CONNECTED;
import static dev.netcode.client.ClientState.CONNECTION_DENIED;
import static dev.netcode.client.ClientState.CONNECTION_REQUEST_TIMED_OUT;
import static dev.netcode.client.ClientState.CONNECTION_RESPONSE_TIMED_OUT;
import static dev.netcode.client.ClientState.CONNECTION_TIMED_OUT;
import static dev.netcode.client.ClientState.CONNECT_TOKEN_EXPIRED;
import static dev.netcode.client.ClientState.DISCONNECTED;
import static dev.netcode.client.ClientState.INVALID_CONNECT_TOKEN;
import static dev.netcode.client.ClientState.SENDING_CONNECTION_REQUEST;
import static dev.netcode.client.ClientState.SENDING_CONNECTION_RESPONSE;
import static dev.netcode.reliability.Reliability.fmt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Soak and churn in simulated time: 256 clients against a 192-slot server on a {@link SimulatedNetwork}
 * whose loss (5-30 %), latency, jitter (which reorders) and duplication change every 2.5 simulated
 * minutes, one explicit clock for everything (the Unix clock of token expiry follows it). Clients
 * connect, play (payloads echoed by the server), disconnect cleanly, give up mid-handshake, crash
 * (stop being updated past the timeout, then come back as zombies), vanish (socket closed, a new
 * client with the same id on a new address), reuse their last token (refused by the client itself
 * once it encrypted anything with it), and present stale tokens close to expiry; the server kicks
 * players at random. More clients than slots, so some are denied.
 *
 * <p>Checked all along: every state transition a client makes is one the protocol allows; a
 * consumed token never opens a second session; a client is only ever connected to a slot the server
 * opened for it; each minute the server's tables are consistent ({@link ServerAudit}), a pending
 * handshake mapping belongs to an address that asked within the mapping lifetime, and live
 * token-history entries never exceed the unexpired tokens presented. At the end, after a settle
 * period: no client is stuck connecting, server slots and the clients that believe they are
 * connected are the same set, no mapping is orphaned; after everyone leaves and the tokens expire,
 * nothing is left live; and every slot can be filled again.
 *
 * <p>Short version (verify): 15 simulated minutes, each loss level twice (about 10 s). Long: {@code -Dnetcode.soak.minutes=240} (or
 * {@code -Dnetcode.reliability.long=true}, 180 minutes); {@code -Dnetcode.soak.seed=N} replays a run.
 */
class SoakChurnSimulationTest {

    private static final int CLIENTS = 256;
    private static final int SLOTS = 192;
    private static final int TOKEN_EXPIRY = 30;
    private static final int TIMEOUT = 5;
    private static final double TICK = 0.1;
    private static final double PHASE_SECONDS = 150;
    private static final double AUDIT_SECONDS = 60;
    private static final long UNIX_START = 1_700_000_000L;
    private static final long PROTOCOL_ID = 0x50414B53L;
    private static final byte[] KEY = dev.netcode.crypto.SecureRandomBytes.key();
    private static final NetcodeAddress SERVER = NetcodeAddress.parse("10.0.0.1:40000");
    private static final double[] LOSS_BY_PHASE = { 5, 15, 30, 10, 25, 20 };

    /** What a client may go to from each state (the reference's state machine, single-server tokens). */
    private static final Map<ClientState, Set<ClientState>> ALLOWED = new EnumMap<>(ClientState.class);

    static {
        // INVALID_CONNECT_TOKEN: the client refuses a token it already used (checked: only on reuse).
        Set<ClientState> idle = EnumSet.of(SENDING_CONNECTION_REQUEST, INVALID_CONNECT_TOKEN);
        for (ClientState state : ClientState.values()) {
            if (!state.isActive()) {
                ALLOWED.put(state, idle);
            }
        }
        ALLOWED.put(SENDING_CONNECTION_REQUEST, EnumSet.of(SENDING_CONNECTION_RESPONSE, CONNECTION_DENIED,
                CONNECTION_REQUEST_TIMED_OUT, CONNECT_TOKEN_EXPIRED, DISCONNECTED));
        ALLOWED.put(SENDING_CONNECTION_RESPONSE, EnumSet.of(CONNECTED, CONNECTION_DENIED,
                CONNECTION_RESPONSE_TIMED_OUT, CONNECT_TOKEN_EXPIRED, DISCONNECTED));
        ALLOWED.put(CONNECTED, EnumSet.of(DISCONNECTED, CONNECTION_TIMED_OUT));
    }

    private static final Set<ClientState> FINAL = EnumSet.of(DISCONNECTED, CONNECTED, CONNECTION_DENIED,
            INVALID_CONNECT_TOKEN, CONNECTION_TIMED_OUT, CONNECTION_REQUEST_TIMED_OUT, CONNECTION_RESPONSE_TIMED_OUT,
            CONNECT_TOKEN_EXPIRED);

    private final long seed = Reliability.setting("netcode.soak.seed", 0x50AC, 0x50AC);
    private final SplittableRandom random = new SplittableRandom(seed);
    private final SimulatedNetwork network = new SimulatedNetwork(seed ^ 0x5EED);
    private double time;
    private long mintAge;
    private final ConnectTokenGenerator tokens = new ConnectTokenGenerator(KEY, PROTOCOL_ID, () -> unixNow() - mintAge);
    private final ServerEvents serverEvents = new ServerEvents();
    private final Map<NetcodeAddress, Agent> agentsByAddress = new HashMap<>();
    private final ServerStateMachine server = new ServerStateMachine(ServerConfig.builder(PROTOCOL_ID, KEY)
            .serverAddress(SERVER).unixClock(this::unixNow).maxConnectTokenLifetime(TOKEN_EXPIRY)
            .eventHandler(serverEvents).build(), network.endpoint(SERVER), 0.0);
    private final List<Agent> agents = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    /** Tokens that opened a session, by identity. */
    private final Set<ConnectToken> consumed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Tokens presented to the server, by identity, with their expiry. */
    private final Map<ConnectToken, Long> presented = new IdentityHashMap<>();
    /** Sessions the server opened, as "address|token expiry" (the client's last two tokens). */
    private final Set<String> sessions = new HashSet<>();
    /** Last time each address was sending connection requests. */
    private final Map<NetcodeAddress, Double> lastRequesting = new HashMap<>();
    private final Map<String, Integer> actions = new HashMap<>();
    private final Map<ClientState, Integer> clientEnds = new EnumMap<>(ClientState.class);
    private boolean churn = true;

    private long unixNow() {
        return UNIX_START + (long) Math.floor(time);
    }

    @Test
    void clientsChurnForSimulatedHoursOnABadNetworkAndEverySlotMappingAndTokenEntryIsAccountedFor() {
        long minutes = Reliability.setting("netcode.soak.minutes", 15, 180);
        long started = System.nanoTime();
        server.start(SLOTS);
        for (int i = 0; i < CLIENTS; i++) {
            agents.add(new Agent(i + 1L));
        }
        double end = minutes * 60.0;
        double nextAudit = AUDIT_SECONDS;
        int phase = -1;
        while (time < end) {
            int currentPhase = (int) (time / PHASE_SECONDS);
            if (currentPhase != phase) {
                phase = currentPhase;
                setPhase(phase);
            }
            tick();
            if (time >= nextAudit) {
                nextAudit += AUDIT_SECONDS;
                audit();
            }
        }

        // Settle: no more random actions, crashed clients come back; every handshake and every zombie ends.
        churn = false;
        for (Agent agent : agents) {
            agent.frozenUntil = -1;
        }
        runFor(TOKEN_EXPIRY + 2 * TIMEOUT + 5);
        Set<String> believers = new HashSet<>();
        for (Agent agent : agents) {
            ClientState state = agent.client.state();
            clientEnds.merge(state, 1, Integer::sum);
            if (!FINAL.contains(state)) {
                violations.add("client " + agent.id + " ended in " + state);
            }
            if (state == CONNECTED) {
                believers.add(agent.id + "@" + agent.address + "#" + agent.client.clientIndex());
            }
        }
        Set<String> slots = new HashSet<>();
        for (ClientSlot slot : server.connectedSlots()) {
            slots.add(slot.clientId() + "@" + slot.address() + "#" + slot.index());
        }
        ServerAudit settled = ServerAudit.of(server, unixNow());
        System.out.println(fmt("soak: %d simulated minutes, seed %d, in %.1f s; settled: %s; client ends %s; actions %s; "
                        + "server disconnects %s; denied %d; drops %s; network sent=%d lost=%d duplicated=%d",
                minutes, seed, (System.nanoTime() - started) / 1e9, settled.summary(), clientEnds, actions,
                serverEvents.disconnects, server.connectionsDenied(), server.dropCounters(), network.sent(),
                network.lost(), network.duplicated()));
        assertThat(violations).as("protocol violations").isEmpty();
        assertThat(slots).as("server slots == clients that believe they are connected").isEqualTo(believers);
        assertThat(settled.problems()).isEmpty();
        assertThat(settled.mappingsPendingLive()).as("handshake mappings left after settling").isZero();
        assertThat(settled.mappingsOwned()).isEqualTo(slots.size());

        // The scenario did exercise what it claims to.
        assertThat((long) serverEvents.connects).isGreaterThan(minutes * 20);
        assertThat(serverEvents.disconnects.getOrDefault(DisconnectReason.CLIENT_DISCONNECT, 0)).isPositive();
        assertThat(serverEvents.disconnects.getOrDefault(DisconnectReason.SERVER_DISCONNECT, 0)).isPositive();
        assertThat(serverEvents.disconnects.getOrDefault(DisconnectReason.TIMED_OUT, 0)).isPositive();
        assertThat(server.connectionsDenied()).isPositive();
        assertThat(server.dropCounters().get(DropReason.TOKEN_ALREADY_USED)).isPositive();
        assertThat(server.dropCounters().get(DropReason.TOKEN_EXPIRED)).isPositive();
        assertThat(actions.getOrDefault("crash", 0)).isPositive();
        assertThat(actions.getOrDefault("vanish", 0)).isPositive();
        assertThat(server.dropCounters().get(DropReason.INTERNAL_ERROR)).isZero();

        // Everyone leaves; once the tokens have expired nothing is live, and every slot can be filled again.
        for (Agent agent : agents) {
            agent.client.disconnect();
        }
        network.setPacketLossPercent(0).setDuplicatePercent(0).setJitterSeconds(0);
        runFor(TOKEN_EXPIRY + TIMEOUT + 2);
        ServerAudit empty = ServerAudit.of(server, unixNow());
        System.out.println("soak: after everyone left: " + empty.summary());
        assertThat(empty.problems()).isEmpty();
        assertThat(empty.connectedSlots()).isZero();
        assertThat(empty.liveEntries()).as("live slots, mappings and token entries").isZero();

        List<Agent> fresh = new ArrayList<>();
        for (int i = 0; i <= SLOTS; i++) {
            Agent agent = agents.get(i % CLIENTS);
            if (i >= CLIENTS) {
                agent = new Agent(CLIENTS + i + 1L);
            }
            agent.connect(freshToken(agent.id));
            fresh.add(agent);
        }
        runFor(3);
        long connected = fresh.stream().filter(a -> a.client.state() == CONNECTED).count();
        long denied = fresh.stream().filter(a -> a.client.state() == CONNECTION_DENIED).count();
        assertThat(connected).as("all slots fill again").isEqualTo(SLOTS);
        assertThat(denied).isEqualTo(1);
        assertThat(violations).isEmpty();
    }

    private void setPhase(int phase) {
        double loss = LOSS_BY_PHASE[phase % LOSS_BY_PHASE.length];
        double latency = 0.01 + random.nextDouble() * 0.07;
        double jitter = random.nextDouble() * 0.1;
        double duplicates = random.nextDouble() * 10;
        network.setPacketLossPercent(loss).setLatencySeconds(latency).setJitterSeconds(jitter)
                .setDuplicatePercent(duplicates);
    }

    private void runFor(double seconds) {
        double end = time + seconds;
        while (time < end) {
            tick();
        }
    }

    private void tick() {
        time += TICK;
        network.update(time);
        for (int i = 0; i < agents.size(); i++) {
            agents.get(i).tick();
        }
        server.update(time);
        if (churn && server.connectedClientCount() > 0 && random.nextDouble() < TICK / 600 * server.connectedClientCount()) {
            List<ClientSlot> connected = server.connectedSlots();
            server.disconnectClient(connected.get(random.nextInt(connected.size())).index());
            actions.merge("kick", 1, Integer::sum);
        }
    }

    private void audit() {
        long unix = unixNow();
        ServerAudit audit = ServerAudit.of(server, unix);
        for (String problem : audit.problems()) {
            violations.add(fmt("t=%.1f %s", time, problem));
        }
        for (NetcodeAddress pending : audit.pendingAddresses()) {
            Double asked = lastRequesting.get(pending);
            if (asked == null || asked < time - TIMEOUT - 2) {
                violations.add(fmt("t=%.1f mapping for %s is live but it last asked at %s", time, pending, asked));
            }
        }
        // A consumed entry is a session opened with that token, or a handshake given up for a newer one.
        List<ServerAudit.ConsumedToken> unexplained = audit.consumedTokens().stream()
                .filter(used -> !sessions.contains(used.address() + "|" + used.expireTimestamp())).toList();
        if (unexplained.size() > server.statistics().handshakesSuperseded()) {
            violations.add(fmt("t=%.1f the token history has %d consumed entries with no session opened from there "
                    + "with such a token, more than the %d handshakes given up: %s", time, unexplained.size(),
                    server.statistics().handshakesSuperseded(), unexplained));
        }
        presented.values().removeIf(expiry -> expiry <= unix);
        int liveHistory = audit.historyPendingLive() + audit.historyConsumedLive();
        if (liveHistory > presented.size()) {
            violations.add(fmt("t=%.1f %d live token entries for %d unexpired tokens presented", time, liveHistory,
                    presented.size()));
        }
        assertThat(violations).as("violations at t=%.1f", time).isEmpty();
    }

    private ConnectToken freshToken(long clientId) {
        mintAge = 0;
        return tokens.generate(clientId, List.of(SERVER), TOKEN_EXPIRY, TIMEOUT, null);
    }

    private boolean chance(double perSecond) {
        return random.nextDouble() < perSecond * TICK;
    }

    /** One player: a client, its token, and what it does next. */
    private final class Agent implements ClientEventHandler {

        final long id;
        Transport transport;
        ClientStateMachine client;
        NetcodeAddress address;
        ConnectToken token;
        ConnectToken previousToken;
        double frozenUntil = -1;
        private final byte[] payload = new byte[48];

        Agent(long id) {
            this.id = id;
            newClient();
        }

        private void newClient() {
            transport = network.endpoint();
            address = transport.localAddress();
            client = new ClientStateMachine(transport, this, time);
            agentsByAddress.put(address, this);
        }

        void connect(ConnectToken next) {
            previousToken = token;
            token = next;
            presented.putIfAbsent(next, next.expireTimestamp());
            client.connect(next);
        }

        void tick() {
            if (frozenUntil >= 0) {
                if (time < frozenUntil) {
                    return;
                }
                frozenUntil = -1;
            }
            client.update(time);
            ClientState state = client.state();
            if (state == SENDING_CONNECTION_REQUEST) {
                lastRequesting.put(address, time);
            }
            if (!churn) {
                return;
            }
            if (!state.isActive()) {
                if (chance(1.0 / 8)) {
                    startSession();
                }
            }
            else if (state == CONNECTED) {
                if (random.nextDouble() < 0.5) {
                    random.nextBytes(payload);
                    client.sendPayload(payload, 0, 16 + random.nextInt(payload.length - 16));
                }
                if (chance(1.0 / 60)) {
                    client.disconnect();
                    actions.merge("disconnect", 1, Integer::sum);
                }
                else if (chance(1.0 / 240)) {
                    frozenUntil = time + TIMEOUT + 0.5 + random.nextDouble() * 8;
                    actions.merge("crash", 1, Integer::sum);
                }
                else if (chance(1.0 / 600)) {
                    transport.close();
                    newClient();
                    actions.merge("vanish", 1, Integer::sum);
                }
            }
            else if (chance(1.0 / 200)) {
                client.disconnect();
                actions.merge("give up", 1, Integer::sum);
            }
        }

        private void startSession() {
            double r = random.nextDouble();
            if (r < 0.05 && token != null) {
                actions.merge("reuse token", 1, Integer::sum);
                connect(token);
            }
            else if (r < 0.15) {
                mintAge = 10 + random.nextInt(TOKEN_EXPIRY - 10);
                actions.merge("stale token", 1, Integer::sum);
                ConnectToken stale = tokens.generate(id, List.of(SERVER), TOKEN_EXPIRY, TIMEOUT, null);
                mintAge = 0;
                connect(stale);
            }
            else {
                connect(freshToken(id));
            }
        }

        @Override
        public void onStateChanged(ClientState previous, ClientState current) {
            if (!ALLOWED.get(previous).contains(current)) {
                violations.add(fmt("t=%.1f client %d went %s -> %s", time, id, previous, current));
            }
            if (current == INVALID_CONNECT_TOKEN && token != previousToken) {
                violations.add(fmt("t=%.1f client %d refused a token it never used", time, id));
            }
            if (current == CONNECTED) {
                if (!consumed.add(token)) {
                    violations.add(fmt("t=%.1f client %d opened a second session with a consumed token", time, id));
                }
                if (!serverEvents.opened.contains(id + "@" + address)) {
                    violations.add(fmt("t=%.1f client %d connected at %s but the server never opened that session",
                            time, id, address));
                }
            }
        }
    }

    /** Echoes payloads; records sessions opened and why they ended. */
    private final class ServerEvents implements ServerEventHandler {

        final Set<String> opened = new HashSet<>();
        final Map<DisconnectReason, Integer> disconnects = new EnumMap<>(DisconnectReason.class);
        int connects;

        @Override
        public void onClientConnected(ClientSlot slot) {
            connects++;
            opened.add(slot.clientId() + "@" + slot.address());
            Agent agent = agentsByAddress.get(slot.address());
            for (ConnectToken used : new ConnectToken[] { agent.token, agent.previousToken }) {
                if (used != null) {
                    sessions.add(slot.address() + "|" + used.expireTimestamp());
                }
            }
        }

        @Override
        public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
            slot.send(buf, offset, length);
        }

        @Override
        public void onClientDisconnected(ClientSlot slot, DisconnectReason reason) {
            disconnects.merge(reason, 1, Integer::sum);
        }
    }
}
