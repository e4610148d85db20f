package dev.netcode.cli;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.netcode.Bytes;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.reliable.ReliableConfig;
import dev.netcode.reliable.ReliableEndpoint;

/**
 * The packets of {@code client --reliable}: a {@link ReliableEndpoint} (default config, the C
 * library {@code reliable}'s) over the connection sends {@code packets} packets whose sizes cycle
 * from 1 to {@code maxBytes} bytes (fragmented above 1024), and checks that each one comes back
 * intact from {@code server --reliable} and is acked.
 *
 * <p>Packet {@code i} of {@code n} bytes holds the low {@code min(n, 4)} bytes of {@code i}
 * (little-endian) and then bytes derived from {@code i}, {@code n} and their position, so an echo
 * names the packet it answers and is checked against the packet regenerated from it. Sending is
 * paced by what is in flight (at most {@value #MAX_IN_FLIGHT_PACKETS} packets and
 * {@value #MAX_IN_FLIGHT_BYTES} bytes sent and not yet echoed), so the socket buffers never
 * overflow and every packet stays inside the endpoint's ack window.
 *
 * <p>The endpoint lives on the client's thread: sends are handed to it with
 * {@link NetcodeClient#execute}, and {@link #onPayload} runs there. The counts are shared with
 * the thread that runs the command under {@code this}.
 */
final class ReliableClientSession {

    static final int MAX_IN_FLIGHT_PACKETS = 64;
    static final int MAX_IN_FLIGHT_BYTES = 64 * 1024;
    /** Echoes of packets this far back can still be named by their low bytes (sizes 1..3). */
    private static final int NAMING_WINDOW = 256;

    private final int packets;
    private final int maxBytes;
    private volatile NetcodeClient runtime;

    // The client's thread only.
    private final ReliableEndpoint endpoint;
    private final byte[] sendBuffer;
    private final byte[] expected;
    private int sentOnLoop;

    // Guarded by this.
    private final BitSet echoed = new BitSet();
    private final BitSet acked = new BitSet();
    private int sent;
    private int echoedCount;
    private int ackedCount;
    private int corrupt;
    private long inFlightBytes;

    ReliableClientSession(int packets, int maxBytes) {
        this.packets = packets;
        this.maxBytes = maxBytes;
        sendBuffer = new byte[maxBytes];
        expected = new byte[maxBytes];
        endpoint = new ReliableEndpoint(ReliableConfig.defaults(), 0.0, this::transmit, this::process);
    }

    /** The size of packet {@code index}: 1, 2, ... {@code maxBytes}, 1, 2, ... */
    int size(int index) {
        return index % maxBytes + 1;
    }

    /** Packet {@code index} of {@code n} bytes, written to {@code buf[0, n)}. */
    static void fill(byte[] buf, int index, int n) {
        for (int j = 0; j < n; j++) {
            buf[j] = (byte) (j < 4 ? index >>> (8 * j) : index * 131 + n * 3 + 0x5A + j * 7 + (j >> 8) * 13);
        }
    }

    /** The client whose connection carries the packets; before it connects. */
    void attach(NetcodeClient client) {
        runtime = client;
    }

    /** Sends every packet, paced by what is in flight, then waits for the echoes and acks, all before {@code deadline}. */
    void run(long deadline) throws InterruptedException {
        NetcodeClient client = runtime;
        for (int i = 0; i < packets; i++) {
            int n = size(i);
            synchronized (this) {
                while (sent - echoedCount >= MAX_IN_FLIGHT_PACKETS
                        || (sent > echoedCount && inFlightBytes + n > MAX_IN_FLIGHT_BYTES)) {
                    if (!waitUntil(deadline)) {
                        return;
                    }
                }
                sent++;
                inFlightBytes += n;
            }
            int index = i;
            client.execute(() -> sendOnLoop(index));
        }
        synchronized (this) {
            while (echoedCount < sent || ackedCount < sent) {
                if (!waitUntil(deadline)) {
                    return;
                }
            }
        }
    }

    /** Waits a little for a change; false once the deadline passed or the connection ended. */
    private boolean waitUntil(long deadline) throws InterruptedException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0 || runtime.state() != ClientState.CONNECTED) {
            return false;
        }
        wait(Math.min(remaining, 50));
        return true;
    }

    private void sendOnLoop(int index) {
        int n = size(index);
        fill(sendBuffer, index, n);
        endpoint.update(runtime.now());
        endpoint.sendPacket(sendBuffer, 0, n);
        sentOnLoop++;
    }

    private void transmit(int sequence, byte[] datagram, int offset, int length) {
        runtime.sendPayload(datagram, offset, length);
    }

    /** A payload from the server: a reliable datagram for the endpoint. On the client's thread. */
    void onPayload(byte[] buf, int offset, int length) {
        endpoint.update(runtime.now());
        endpoint.receivePacket(buf, offset, length);
        synchronized (this) {
            for (int i = 0; i < endpoint.ackCount(); i++) {
                // The newest packet sent with these low 16 bits: acks only reach 256 packets back.
                int index = sentOnLoop - 1 - ((sentOnLoop - 1 - endpoint.ack(i)) & 0xFFFF);
                if (index >= 0 && !acked.get(index)) {
                    acked.set(index);
                    ackedCount++;
                }
            }
            notifyAll();
        }
        endpoint.clearAcks();
    }

    /** An echo the endpoint delivered: find the packet it answers and compare. */
    private boolean process(int sequence, byte[] payload, int offset, int length) {
        int index = name(payload, offset, length);
        boolean intact = index >= 0 && size(index) == length;
        if (intact) {
            fill(expected, index, length);
            intact = Arrays.equals(payload, offset, offset + length, expected, 0, length);
        }
        synchronized (this) {
            if (!intact || echoed.get(index)) {
                corrupt++;
            }
            else {
                echoed.set(index);
                echoedCount++;
                inFlightBytes -= length;
            }
            notifyAll();
        }
        return true;
    }

    /** The packet an echo names, or -1. */
    private int name(byte[] payload, int offset, int length) {
        if (length < 1 || length > maxBytes) {
            return -1;
        }
        if (length >= 4) {
            int index = Bytes.readU32(payload, offset);
            return index >= 0 && index < sentOnLoop ? index : -1;
        }
        int bits = 8 * length;
        int low = 0;
        for (int j = 0; j < length; j++) {
            low |= (payload[offset + j] & 0xFF) << (8 * j);
        }
        for (int index = Math.max(0, sentOnLoop - NAMING_WINDOW); index < sentOnLoop; index++) {
            if ((index & ((1 << bits) - 1)) == low && size(index) == length) {
                return index;
            }
        }
        return -1;
    }

    synchronized boolean allEchoedAndAcked() {
        return sent == packets && echoedCount == packets && ackedCount == packets && corrupt == 0;
    }

    synchronized int corrupt() {
        return corrupt;
    }

    /**
     * The {@code rsummary} line: counts, then the endpoint's smoothed RTT, packet loss and
     * bandwidths (read on the client's thread; NaN when it cannot answer within a second, 0 when
     * there never was a client), then {@code state}.
     */
    String summary(String state) {
        double[] values = new double[5];
        NetcodeClient client = runtime;
        if (client != null) {
            CompletableFuture<double[]> statistics = new CompletableFuture<>();
            client.execute(() -> statistics.complete(new double[] {endpoint.rttMillis(), endpoint.packetLossPercent(),
                    endpoint.sentBandwidthKbps(), endpoint.receivedBandwidthKbps(), endpoint.ackedBandwidthKbps()}));
            try {
                values = statistics.get(1, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                Arrays.fill(values, Double.NaN);
            }
            catch (ExecutionException | TimeoutException ex) {
                Arrays.fill(values, Double.NaN);
            }
        }
        synchronized (this) {
            return String.format(Locale.ROOT,
                    "rsummary sent=%d echoed=%d acked=%d rtt_ms=%.3f loss_pct=%.2f sent_kbps=%.1f received_kbps=%.1f"
                            + " acked_kbps=%.1f corrupt=%d state=%s",
                    sent, echoedCount, ackedCount, values[0], values[1], values[2], values[3], values[4], corrupt, state);
        }
    }
}
