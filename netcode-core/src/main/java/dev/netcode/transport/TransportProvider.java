package dev.netcode.transport;

import dev.netcode.address.NetcodeAddress;

/**
 * A kind of UDP transport a server or client can bind: the JDK's {@code DatagramChannel}
 * ({@link NioTransportProvider}, everywhere), netcode's own batched Linux transport
 * ({@link NativeTransportProvider}) or one on the class path (the Linux epoll transport of
 * {@code netcode-transport-epoll}). Providers are found with
 * {@link java.util.ServiceLoader}; each names itself and says whether it works on this machine.
 */
public interface TransportProvider {

    /** The name configuration uses for this transport ({@code native}, {@code epoll}, {@code nio}). */
    String name();

    /**
     * Whether this transport can bind here (its native library loads on this OS and CPU); by default
     * true, for a transport that runs everywhere.
     */
    default boolean isAvailable() {
        return true;
    }

    /** Why {@link #isAvailable()} is false, in words an operator can act on; {@code null} when it is true. */
    default String unavailabilityReason() {
        return null;
    }

    /**
     * Opens a UDP socket bound to {@code address}; port 0 picks a free port, which the transport's
     * {@link Transport#localAddress()} then reports.
     *
     * @throws IllegalStateException if this transport is not available here
     * @throws IllegalArgumentException if the options are out of range
     * @throws java.io.UncheckedIOException if the socket cannot be opened or bound; the message names the address
     */
    Transport bind(NetcodeAddress address, TransportOptions options);
}
