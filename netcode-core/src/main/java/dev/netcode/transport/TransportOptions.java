package dev.netcode.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TransportProvider} opens a socket.
 *
 * @param socketBufferBytes the receive and send buffer sizes to ask the OS for, each
 *        ({@link UdpTransport#checkSocketBufferBytes checked} by the provider)
 * @param reusePort whether to set {@code SO_REUSEPORT} before binding, so that several sockets of
 *        this process can bind the same port and the kernel spreads senders over them (by a hash of
 *        the sender's address, so one sender always reaches the same socket)
 * @param receiveCoalescing how long a wait lasts after a receive that emptied a busy socket, so that
 *        the datagrams of that window are taken in one batch ({@link ReceiveCoalescing}); zero turns it
 *        off. The {@code native} and {@code nio} transports coalesce; {@code epoll} batches on its own
 *        event loop and ignores it.
 */
public record TransportOptions(int socketBufferBytes, boolean reusePort, Duration receiveCoalescing) {

    public TransportOptions {
        Objects.requireNonNull(receiveCoalescing, "receiveCoalescing");
        if (receiveCoalescing.isNegative()) {
            throw new IllegalArgumentException("receiveCoalescing must not be negative, got " + receiveCoalescing);
        }
    }

    /** {@link UdpTransport#SOCKET_BUFFER_BYTES} buffers, no port sharing, no receive coalescing. */
    public static TransportOptions defaults() {
        return new TransportOptions(UdpTransport.SOCKET_BUFFER_BYTES, false, Duration.ZERO);
    }

    public TransportOptions withReusePort(boolean reusePort) {
        return new TransportOptions(socketBufferBytes, reusePort, receiveCoalescing);
    }

    /** A new {@link ReceiveCoalescing} for one transport bound with these options. */
    ReceiveCoalescing newReceiveCoalescing() {
        return new ReceiveCoalescing(receiveCoalescing.toNanos());
    }
}
