package dev.netcode.transport;

import dev.netcode.address.NetcodeAddress;

/**
 * The batching Linux transport in netcode's own JNI library: {@link NativeUdpTransport}
 * ({@code recvmmsg}/{@code sendmmsg}); available on Linux where the build compiled the library.
 */
public final class NativeTransportProvider implements TransportProvider {

    public static final String NAME = "native";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return NativeUdpTransport.isAvailable();
    }

    @Override
    public String unavailabilityReason() {
        return NativeUdpTransport.unavailabilityReason();
    }

    @Override
    public Transport bind(NetcodeAddress address, TransportOptions options) {
        return NativeUdpTransport.bind(address, options);
    }
}
