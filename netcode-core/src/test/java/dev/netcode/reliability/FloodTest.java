package dev.netcode.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.netcode.Bytes;
import dev.netcode.NetcodeProtocol;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.packet.DropReason;
import dev.netcode.packet.PacketCodec;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerSnapshot;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

import static dev.netcode.reliability.Reliability.fmt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A flood over real UDP on 127.0.0.1: 32 clients exchange 64-byte payloads with an echo server at
 * 60 Hz each while a second OS process ({@link FloodAttacker}) sends forged connection requests,
 * replays of two captured real requests, random garbage, and well-formed payload packets with bad
 * tags (also from a connected insider, so the server runs the AEAD on them), as fast as it can.
 *
 * <p>Asserted: no legitimate client is disconnected or times out, and each keeps getting echoes;
 * the server's drop counters account for the junk: every datagram the server received during the
 * attack is either a counted drop or a valid packet (of a legitimate client, or one of the few of the
 * insider's own session); per kind of junk, the server dropped at most what the attacker sent, for
 * the reason the attacker predicted; no other drop reason moved; and junk the server never saw is
 * accounted for by the kernel's UDP receive errors ({@code /proc/net/snmp} InErrors, which on
 * loopback is where a datagram goes when the server's socket buffer is full: UDP loss, not the
 * server's). Loss and round-trip times of the legitimate clients, before and during the attack, are
 * printed on a {@code FLOOD} line.
 *
 * <p>Short version (verify): 10 s of attack. Long: {@code -Dnetcode.flood.seconds=30} (or
 * {@code -Dnetcode.reliability.long=true}, 30 s); {@code -Dnetcode.flood.max-datagrams=N} bounds the count.
 */
class FloodTest {

    private static final int CLIENTS = 32;
    private static final int RATE = 60;
    private static final int PAYLOAD_BYTES = 64;
    private static final int TIMEOUT_SECONDS = 10;
    private static final long PROTOCOL_ID = 0x466C6F6F64L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");
    private static final long BASELINE_MILLIS = 2_000;

    /** 0 baseline, 1 attack, 2 after. Written by the test thread, stamped into payloads on send. */
    private volatile int phase;

    @Test
    void legitimateClientsSurviveAFloodOfForgedReplayedGarbageAndBadTagDatagrams(@TempDir Path dir) throws Exception {
        long attackSeconds = Reliability.setting("netcode.flood.seconds", 10, 30);
        long maxDatagrams = Reliability.setting("netcode.flood.max-datagrams", 100_000_000, 1_000_000_000);
        byte[] key = SecureRandomBytes.key();
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                slot.send(buf, offset, length);
            }
        }).build();
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST, 64);
        List<Legit> legit = new ArrayList<>();
        Thread scheduler = null;
        try {
            NetcodeAddress address = server.localAddress();
            ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
            int expiry = (int) attackSeconds + 300;
            PacketCodec codec = new PacketCodec(PROTOCOL_ID);
            for (int i = 0; i < CLIENTS; i++) {
                Legit client = new Legit(i);
                ConnectToken token = tokens.generate(i + 1, List.of(address), expiry, TIMEOUT_SECONDS, null);
                if (i == 0) {
                    client.capturedRequest = request(codec, token);
                }
                client.client.connect(token.toBytes());
                legit.add(client);
            }
            for (Legit client : legit) {
                assertThat(client.client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 10_000))
                        .isEqualTo(ClientState.CONNECTED);
            }
            // A client that uses its token and leaves: its request, replayed, meets a consumed token.
            ConnectToken leaverToken = tokens.generate(1000, List.of(address), expiry, TIMEOUT_SECONDS, null);
            try (NetcodeClient leaver = NetcodeClient.start(LOCALHOST, new ClientEventHandler() {
            })) {
                leaver.connect(leaverToken.toBytes());
                assertThat(leaver.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 10_000))
                        .isEqualTo(ClientState.CONNECTED);
            }
            awaitConnected(server, CLIENTS);
            ConnectToken insiderToken = tokens.generate(2000, List.of(address), expiry, TIMEOUT_SECONDS, null);
            Path material = dir.resolve("material.txt");
            Files.write(material, List.of(Bytes.toHex(legit.get(0).capturedRequest),
                    Bytes.toHex(request(codec, leaverToken)), Bytes.toHex(insiderToken.toBytes())));
            codec.close();

            scheduler = startScheduler(legit);
            Thread.sleep(BASELINE_MILLIS);

            // The attack.
            Map<DropReason, Long> dropsBefore = server.statistics().drops().snapshot();
            long receivedBefore = server.statistics().packetsReceived();
            Map<Long, Long> legitReceivedBefore = legitPacketsReceived(server.snapshot());
            long kernelErrorsBefore = kernelUdpInErrors();
            phase = 1;
            long attackStart = System.nanoTime();
            Path attackLog = dir.resolve("attacker.log");
            Process attacker = Reliability.launch(FloodAttacker.class, List.of(),
                    List.of(address.toString(), String.valueOf(attackSeconds), String.valueOf(maxDatagrams),
                            Long.toHexString(PROTOCOL_ID), material.toString()), attackLog);
            boolean exited = attacker.waitFor(attackSeconds + 60, TimeUnit.SECONDS);
            if (!exited) {
                attacker.destroyForcibly();
            }
            double attackWall = (System.nanoTime() - attackStart) / 1e9;
            String attackOutput = Files.readString(attackLog);
            assertThat(exited).as("attacker ends on its own; output:%n%s", attackOutput).isTrue();
            assertThat(attacker.exitValue()).as(attackOutput).isZero();
            phase = 2;
            Thread.sleep(1_000); // the server drains its socket buffer; legitimate traffic goes on
            stop(scheduler);
            scheduler = null;
            Thread.sleep(1_000); // late echoes

            // Every legitimate client is still there.
            for (Legit client : legit) {
                assertThat(client.leftAs).as("client %d left its session", client.index).isNull();
                assertThat(client.client.state()).isEqualTo(ClientState.CONNECTED);
                assertThat(client.echoed[1]).as("client %d got echoes during the attack", client.index).isPositive();
            }
            ServerSnapshot after = server.snapshot();
            Map<Long, Long> legitReceivedAfter = legitPacketsReceived(after);
            assertThat(legitReceivedAfter.keySet()).as("legitimate clients connected at the end")
                    .containsExactlyInAnyOrderElementsOf(legitReceivedBefore.keySet()).hasSize(CLIENTS);

            // Accounting.
            Attack attack = Attack.parse(attackOutput);
            Map<DropReason, Long> drops = delta(server.statistics().drops().snapshot(), dropsBefore);
            long dropped = drops.values().stream().mapToLong(Long::longValue).sum();
            long received = server.statistics().packetsReceived() - receivedBefore;
            long legitValid = 0;
            for (Map.Entry<Long, Long> entry : legitReceivedAfter.entrySet()) {
                legitValid += entry.getValue() - legitReceivedBefore.get(entry.getKey());
            }
            long insiderValid = received - legitValid - dropped;
            // its keep-alives (10 Hz) and its handshake
            long insiderBound = 20 + (long) Math.ceil(attackWall + 2) * 11;
            long kernelErrors = kernelUdpInErrors() - kernelErrorsBefore;
            long unseen = attack.sent - dropped;

            double rate = attack.sent / (double) attackSeconds;
            System.out.println(fmt("FLOOD attack=%ds attacker: sent=%d (%.0f/s) forged=%d replayed=%d garbage=%d badtag=%d "
                            + "insider=%s | server: received=%d dropped=%d %s legit-valid=%d insider-valid=%d | "
                            + "not seen by the server=%d (%.1f%%), kernel UDP InErrors delta=%s | "
                            + "legit baseline: %s | legit under attack: %s | after: %s",
                    attackSeconds, attack.sent, rate, attack.kinds.get("forged"), attack.kinds.get("replayed"),
                    attack.kinds.get("garbage"), attack.kinds.get("badtag"), attack.insider, received, dropped, drops,
                    legitValid, insiderValid, unseen, 100.0 * unseen / Math.max(1, attack.sent),
                    kernelErrors < 0 ? "n/a" : String.valueOf(kernelErrors), summary(legit, 0), summary(legit, 1),
                    summary(legit, 2)));

            assertThat(attack.insider).as("the insider stayed connected, so bad tags reached the AEAD")
                    .isEqualTo("CONNECTED");
            assertThat(rate).as("the attacker really flooded").isGreaterThan(2_000);
            assertThat(insiderValid).as("received - legitimate valid - dropped = the insider's own valid packets")
                    .isBetween(0L, insiderBound);
            assertThat(dropped).as("drops never exceed the junk sent").isLessThanOrEqualTo(attack.sent);
            assertGroup(drops, attack, DropReason.TOKEN_DECRYPT_FAILED);
            assertGroup(drops, attack, DropReason.CLIENT_ID_ALREADY_CONNECTED);
            assertGroup(drops, attack, DropReason.TOKEN_ALREADY_USED);
            assertGroup(drops, attack, DropReason.BAD_LENGTH, DropReason.BAD_VERSION);
            assertGroup(drops, attack, DropReason.NO_KEY, DropReason.DECRYPT_FAILED);
            assertThat(drops.keySet()).as("no drop reason the attack does not explain")
                    .isSubsetOf(attack.expected.keySet());
            assertThat(drops.get(DropReason.DECRYPT_FAILED)).as("bad tags from the insider were decrypted and refused")
                    .isPositive();
            if (kernelErrors >= 0) {
                assertThat(unseen).as("junk the server never saw was dropped by the kernel").isLessThanOrEqualTo(kernelErrors);
            }
        }
        finally {
            if (scheduler != null) {
                stop(scheduler);
            }
            for (Legit client : legit) {
                client.client.close();
            }
            server.stop();
        }
    }

    private static void assertGroup(Map<DropReason, Long> drops, Attack attack, DropReason... reasons) {
        long counted = 0;
        long expected = 0;
        for (DropReason reason : reasons) {
            counted += drops.getOrDefault(reason, 0L);
            expected += attack.expected.getOrDefault(reason, 0L);
        }
        assertThat(counted).as("drops %s vs the attacker's %s", List.of(reasons), attack.expected)
                .isLessThanOrEqualTo(expected);
        if (expected > 1_000) {
            assertThat(counted).as("the server saw some of %s", List.of(reasons)).isPositive();
        }
    }

    private static byte[] request(PacketCodec codec, ConnectToken token) {
        byte[] buf = new byte[NetcodeProtocol.CONNECTION_REQUEST_BYTES];
        codec.writeConnectionRequest(buf, token);
        return buf;
    }

    private static void awaitConnected(NetcodeServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.connectedClientCount() != count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.connectedClientCount()).isEqualTo(count);
    }

    private static Map<Long, Long> legitPacketsReceived(ServerSnapshot snapshot) {
        Map<Long, Long> out = new HashMap<>();
        for (ServerSnapshot.Client client : snapshot.clients()) {
            if (client.clientId() >= 1 && client.clientId() <= CLIENTS) {
                out.put(client.clientId(), client.packetsReceived());
            }
        }
        return out;
    }

    private static Map<DropReason, Long> delta(Map<DropReason, Long> after, Map<DropReason, Long> before) {
        Map<DropReason, Long> out = new EnumMap<>(DropReason.class);
        after.forEach((reason, count) -> {
            long d = count - before.getOrDefault(reason, 0L);
            if (d != 0) {
                out.put(reason, d);
            }
        });
        return out;
    }

    /** UDP InErrors from /proc/net/snmp (receive buffer overflows among them), or -1 where unavailable. */
    static long kernelUdpInErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp: ") && lines.get(i + 1).startsWith("Udp: ")) {
                    List<String> names = List.of(lines.get(i).trim().split("\\s+"));
                    String[] values = lines.get(i + 1).trim().split("\\s+");
                    return Long.parseLong(values[names.indexOf("InErrors")]);
                }
            }
        }
        catch (Exception ex) {
            // not Linux, or not readable
        }
        return -1;
    }

    private static String summary(List<Legit> legit, int phase) {
        long sent = 0;
        long echoed = 0;
        List<Long> rtts = new ArrayList<>();
        for (Legit client : legit) {
            synchronized (client) {
                sent += client.sent[phase];
                echoed += client.echoed[phase];
                for (int i = 0; i < client.rttCount[phase]; i++) {
                    rtts.add(client.rtts[phase][i]);
                }
            }
        }
        long[] values = rtts.stream().mapToLong(Long::longValue).toArray();
        return fmt("sent=%d echoed=%d loss=%.2f%% rtt_p50=%.2fms rtt_p99=%.2fms", sent, echoed,
                sent == 0 ? 0.0 : 100.0 * (sent - echoed) / sent, Reliability.percentile(values, values.length, 0.5) / 1e6,
                Reliability.percentile(values, values.length, 0.99) / 1e6);
    }

    /** Sends each client's payloads at 60 Hz, the clients' schedules spread over the interval. */
    private static Thread startScheduler(List<Legit> legit) {
        Thread thread = new Thread(() -> {
            long interval = 1_000_000_000L / RATE;
            long start = System.nanoTime();
            long[] next = new long[legit.size()];
            for (int i = 0; i < next.length; i++) {
                next[i] = start + interval * i / next.length;
            }
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                long soonest = Long.MAX_VALUE;
                for (int i = 0; i < next.length; i++) {
                    if (now >= next[i]) {
                        Legit client = legit.get(i);
                        client.client.execute(client::sendOne);
                        next[i] += interval;
                        if (next[i] < now) {
                            next[i] = now + interval; // fell behind: skip, don't burst
                        }
                    }
                    soonest = Math.min(soonest, next[i]);
                }
                LockSupport.parkNanos(Math.max(0, soonest - System.nanoTime()));
            }
        }, "flood-test-scheduler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void stop(Thread thread) throws InterruptedException {
        thread.interrupt();
        thread.join(5_000);
    }

    /** One legitimate client; its counters are written on its own thread, under its monitor. */
    private final class Legit implements ClientEventHandler {

        final int index;
        final NetcodeClient client;
        byte[] capturedRequest;
        volatile ClientState leftAs;
        final long[] sent = new long[3];
        final long[] echoed = new long[3];
        final long[][] rtts = new long[3][1024];
        final int[] rttCount = new int[3];
        private final byte[] payload = new byte[PAYLOAD_BYTES];
        private long sequence;
        private boolean wasConnected;

        Legit(int index) {
            this.index = index;
            this.client = NetcodeClient.start(LOCALHOST, this);
        }

        /** On the client's thread. */
        void sendOne() {
            if (client.client().state() != ClientState.CONNECTED) {
                return;
            }
            int p = phase;
            Bytes.writeU32(payload, 0, index);
            Bytes.writeU64(payload, 4, sequence++);
            payload[12] = (byte) p;
            Bytes.writeU64(payload, 13, System.nanoTime());
            client.client().sendPayload(payload, 0, payload.length);
            synchronized (this) {
                sent[p]++;
            }
        }

        @Override
        public void onPayload(byte[] buf, int offset, int length, long packetSequence) {
            long now = System.nanoTime();
            if (length != PAYLOAD_BYTES || Bytes.readU32(buf, offset) != index) {
                return;
            }
            int p = buf[offset + 12];
            long rtt = now - Bytes.readU64(buf, offset + 13);
            synchronized (this) {
                echoed[p]++;
                if (rttCount[p] == rtts[p].length) {
                    rtts[p] = java.util.Arrays.copyOf(rtts[p], rtts[p].length * 2);
                }
                rtts[p][rttCount[p]++] = rtt;
            }
        }

        @Override
        public void onStateChanged(ClientState previous, ClientState current) {
            if (current == ClientState.CONNECTED) {
                wasConnected = true;
            }
            else if (wasConnected && leftAs == null) {
                leftAs = current;
            }
        }
    }

    /** The attacker's last line. */
    private record Attack(long sent, Map<String, Long> kinds, String insider, Map<DropReason, Long> expected) {

        static Attack parse(String output) {
            String line = output.lines().filter(l -> l.startsWith("ATTACK ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no ATTACK line from the attacker:\n" + output));
            Map<String, String> fields = new HashMap<>();
            for (String part : line.substring("ATTACK ".length()).split(" ")) {
                int eq = part.indexOf('=');
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
            Map<String, Long> kinds = new HashMap<>();
            for (String kind : List.of("forged", "replayed", "garbage", "badtag")) {
                kinds.put(kind, Long.parseLong(fields.get(kind)));
            }
            Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
            for (String item : fields.get("expected").split(",")) {
                if (!item.isEmpty()) {
                    int colon = item.indexOf(':');
                    expected.put(DropReason.valueOf(item.substring(0, colon)), Long.parseLong(item.substring(colon + 1)));
                }
            }
            return new Attack(Long.parseLong(fields.get("sent")), kinds, fields.get("insider"), expected);
        }
    }
}
