package dev.netcode.transport;

import dev.netcode.address.NetcodeAddress;

/** The portable transport: {@link UdpTransport}, on the JDK's {@code DatagramChannel}; available everywhere. */
public final class NioTransportProvider implements TransportProvider {

    public static final String NAME = "nio";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Transport bind(NetcodeAddress address, TransportOptions options) {
        return UdpTransport.bind(address, options);
    }
}
