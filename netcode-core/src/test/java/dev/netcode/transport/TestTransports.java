package dev.netcode.transport;

/**
 * Which transport the real-UDP tests run on. netcode-core's own run has only nio; netcode-transport-epoll runs the
 * same test classes again (from netcode-core's test jar) with epoll on the class path, where
 * {@link TransportSelection#AUTO} picks it, and tells them so with the system property {@value #PROPERTY}.
 */
public final class TestTransports {

    /** The surefire system property naming the transport {@link TransportSelection#AUTO} must pick in this run. */
    public static final String PROPERTY = "netcode.test.transport";

    private TestTransports() {
    }

    /** The provider name a server or client bound with {@link TransportSelection#AUTO} must report in this run. */
    public static String expectedName() {
        return System.getProperty(PROPERTY, NioTransportProvider.NAME);
    }

    /** Whether this run is the one on the JDK transport (netcode-core's own). */
    public static boolean onNio() {
        return NioTransportProvider.NAME.equals(expectedName());
    }
}
