package dev.netcode.transport;

import java.util.ServiceLoader;

/**
 * Which transport the real-UDP tests run on. netcode-core's default run has the native transport where its JNI
 * library loaded (else nio); its {@code nio} execution runs the same test classes with the native transport switched
 * off, and netcode-transport-epoll runs them again (from netcode-core's test jar) on epoll. Each run names the
 * transport {@link TransportSelection#AUTO} must pick with the system property {@value #PROPERTY}.
 */
public final class TestTransports {

    /** The surefire system property naming the transport {@link TransportSelection#AUTO} must pick in this run. */
    public static final String PROPERTY = "netcode.test.transport";

    private TestTransports() {
    }

    /**
     * The provider name a server or client bound with {@link TransportSelection#AUTO} must report in this run: the
     * property's, or in netcode-core's default run native where its library loaded, else nio.
     */
    public static String expectedName() {
        String named = System.getProperty(PROPERTY);
        if (named != null) {
            return named;
        }
        return NativeUdpTransport.isAvailable() ? NativeTransportProvider.NAME : NioTransportProvider.NAME;
    }

    /** Whether netcode-transport-epoll is on this run's class path (it is not on netcode-core's own). */
    public static boolean epollOnClassPath() {
        return ServiceLoader.load(TransportProvider.class).stream()
                .anyMatch(provider -> provider.get().name().equals(TransportSelection.EPOLL_NAME));
    }
}
