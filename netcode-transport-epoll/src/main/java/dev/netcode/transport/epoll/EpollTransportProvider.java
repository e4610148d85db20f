package dev.netcode.transport.epoll;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;

/** The Linux transport with batched system calls, {@link EpollTransport}; available where Netty's native epoll loads. */
public final class EpollTransportProvider implements TransportProvider {

    public static final String NAME = "epoll";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return EpollTransport.isAvailable();
    }

    @Override
    public String unavailabilityReason() {
        Throwable cause = EpollTransport.unavailabilityCause();
        return cause == null ? null : "Netty's native epoll library does not load here (Linux x86-64 only): " + cause;
    }

    @Override
    public Transport bind(NetcodeAddress address, TransportOptions options) {
        return EpollTransport.bind(address, options);
    }
}
