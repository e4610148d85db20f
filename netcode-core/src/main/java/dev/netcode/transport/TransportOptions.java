package dev.netcode.transport;

/**
 * How a {@link TransportProvider} opens a socket.
 *
 * @param socketBufferBytes the receive and send buffer sizes to ask the OS for, each
 *        ({@link UdpTransport#checkSocketBufferBytes checked} by the provider)
 * @param reusePort whether to set {@code SO_REUSEPORT} before binding, so that several sockets of
 *        this process can bind the same port and the kernel spreads senders over them (by a hash of
 *        the sender's address, so one sender always reaches the same socket)
 */
public record TransportOptions(int socketBufferBytes, boolean reusePort) {

    /** {@link UdpTransport#SOCKET_BUFFER_BYTES} buffers, no port sharing. */
    public static TransportOptions defaults() {
        return new TransportOptions(UdpTransport.SOCKET_BUFFER_BYTES, false);
    }

    public TransportOptions withReusePort(boolean reusePort) {
        return new TransportOptions(socketBufferBytes, reusePort);
    }
}
