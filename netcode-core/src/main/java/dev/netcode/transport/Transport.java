package dev.netcode.transport;

import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

import dev.netcode.address.NetcodeAddress;

/**
 * Moves datagrams for a netcode client or server: real UDP ({@link UdpTransport}) or the in-memory
 * network simulator ({@link SimulatedNetwork}). The protocol code calls it from one thread only.
 *
 * <p>Network errors never propagate: a failed send is counted and forgotten, and a receive error
 * (an ICMP port unreachable reported by the OS, for instance) reads as "no datagram".
 *
 * <p>A transport may batch: it may hold sends back until {@link #flush()}, which the loop driving
 * the protocol calls after every update and after the commands that follow it, so a batching
 * transport makes one system call per update rather than one per datagram.
 */
public interface Transport extends AutoCloseable {

    /** The address this transport is bound to, with the real port (never 0 once bound). */
    NetcodeAddress localAddress();

    /** Sends {@code buf[offset, offset + length)} to {@code to}; never blocks for long, never throws on network errors. */
    void send(NetcodeAddress to, byte[] buf, int offset, int length);

    /**
     * Puts on the wire whatever {@link #send} has held back. Transports that send at once (the
     * default) have nothing to do.
     */
    default void flush() {
    }

    /**
     * Hands every datagram that has arrived (up to {@code max}) to {@code handler}, without
     * blocking, and returns how many it handed over. The buffer passed to the handler is only valid
     * during the call. Datagrams longer than the buffer are truncated to it; the length reported is
     * then the buffer's, so a reader that checks exact sizes rejects them.
     */
    int receive(DatagramHandler handler, int max);

    /**
     * Waits until a datagram may be available or {@code timeoutMillis} pass, whichever comes first.
     * Transports without real I/O return at once. A transport bound with receive coalescing
     * ({@link TransportOptions#receiveCoalescing()}) waits out its window instead after a receive that
     * emptied a busy socket, however soon a datagram comes; {@link #wakeup} ends that wait too.
     */
    default void awaitDatagram(long timeoutMillis) throws InterruptedException {
    }

    /** Makes a thread blocked in {@link #awaitDatagram} return now. */
    default void wakeup() {
    }

    /**
     * As {@link #wakeup}, except that a receive-coalescing pause is left to run out (it ends within its window): for
     * work that may wait that long, such as a payload to send, which then leaves in the batch after the pause instead
     * of cutting it short.
     */
    default void wakeupAfterPause() {
        wakeup();
    }

    /**
     * The loop that will drive a state machine over this transport: by default a
     * {@link TransportLoop}, a thread of its own; a transport with an event loop of its own returns
     * one that runs there. Arguments as for {@link TransportLoop#TransportLoop TransportLoop}.
     */
    default UpdateLoop newLoop(String threadName, double startTime, DoubleConsumer update, DoubleSupplier nextUpdateTime,
            Runnable onExit) {
        return new TransportLoop(threadName, this, startTime, update, nextUpdateTime, onExit);
    }

    /**
     * The socket buffer sizes asked for and granted by the OS, or {@code null} for a transport
     * without a socket (the simulator).
     */
    default SocketBufferSizes socketBuffers() {
        return null;
    }

    /** Datagrams whose send failed (socket error). */
    default long sendErrors() {
        return 0;
    }

    @Override
    void close();

    /** Receives datagrams from {@link Transport#receive}. */
    @FunctionalInterface
    interface DatagramHandler {
        void onDatagram(NetcodeAddress from, byte[] buf, int offset, int length);
    }
}
