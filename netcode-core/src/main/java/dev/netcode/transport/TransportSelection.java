package dev.netcode.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which {@link TransportProvider} a server or client binds, as configured ({@code auto}, {@code native},
 * {@code epoll} or {@code nio}). {@link #resolve(TransportSelection)} looks the providers up with
 * {@link ServiceLoader}: {@code native} and {@code nio} are netcode-core's, {@code epoll} is there when
 * {@code netcode-transport-epoll} is on the class path.
 */
public enum TransportSelection {

    /** The best transport that runs here: native, else epoll where it is on the class path and runs, else nio. */
    AUTO,

    /**
     * The batched Linux transport in netcode's own JNI library, {@link NativeUdpTransport}; a start-up failure
     * where it cannot run.
     */
    NATIVE,

    /** The batched Linux transport on Netty, {@code netcode-transport-epoll}; a start-up failure where it cannot run. */
    EPOLL,

    /** The portable transport on the JDK's {@code DatagramChannel}, {@link UdpTransport}. */
    NIO;

    /** The name of the epoll provider (the constant lives in netcode-transport-epoll, which core cannot see). */
    static final String EPOLL_NAME = "epoll";

    private static final Logger log = LoggerFactory.getLogger(TransportSelection.class);

    /** So that a JVM that starts many servers (or shards) explains the fallback once, not per bind. */
    private static final AtomicBoolean fallbackExplained = new AtomicBoolean();

    /** The value configuration uses for this selection: {@code auto}, {@code native}, {@code epoll}, {@code nio}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The selection a configuration value names, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and the valid ones if it is none of them
     */
    public static TransportSelection parse(String value) {
        if (value != null) {
            for (TransportSelection selection : values()) {
                if (selection.configValue().equalsIgnoreCase(value.strip())) {
                    return selection;
                }
            }
        }
        throw new IllegalArgumentException("unknown transport '" + value + "': use auto, native, epoll or nio");
    }

    /**
     * The provider to bind with: for {@link #AUTO} native where it runs, else epoll where it is on the class path
     * and runs, else nio; for the others that provider.
     *
     * @throws IllegalStateException if {@code selection} is {@link #NATIVE} or {@link #EPOLL} and that transport
     *         cannot run here (or, for epoll, is not on the class path); the message says what to fix
     */
    public static TransportProvider resolve(TransportSelection selection) {
        return resolve(selection, installedProviders(), isLinux());
    }

    static TransportProvider resolve(TransportSelection selection, List<TransportProvider> providers, boolean linux) {
        TransportProvider nio = find(providers, NioTransportProvider.NAME);
        if (nio == null) {
            nio = new NioTransportProvider(); // a class path whose service files were merged away; nio needs none
        }
        TransportProvider nativeProvider = find(providers, NativeTransportProvider.NAME);
        String whyNotNative = whyNotNative(nativeProvider);
        TransportProvider epoll = find(providers, EPOLL_NAME);
        String whyNotEpoll = whyNotEpoll(epoll);
        switch (selection) {
            case NIO:
                return nio;
            case NATIVE:
                if (whyNotNative != null) {
                    throw new IllegalStateException("transport native was chosen but it cannot run here: " + whyNotNative
                            + " (it needs Linux and netcode's JNI library, which the build compiles where gcc is "
                            + "installed); or choose transport nio (or auto, which falls back to nio)");
                }
                return nativeProvider;
            case EPOLL:
                if (whyNotEpoll != null) {
                    throw new IllegalStateException("transport epoll was chosen but " + whyNotEpoll
                            + "; or choose transport nio (or auto, which falls back to nio)");
                }
                return epoll;
            default:
                if (whyNotNative == null) {
                    return nativeProvider;
                }
                TransportProvider chosen = whyNotEpoll == null ? epoll : nio;
                // Off Linux nio is simply the transport there is; on Linux it is a loss an operator may want to fix.
                if (linux && fallbackExplained.compareAndSet(false, true)) {
                    log.info("netcode transport auto chose {}, not native: {}", chosen.name(), whyNotNative);
                }
                return chosen;
        }
    }

    private static String whyNotNative(TransportProvider nativeProvider) {
        if (nativeProvider == null) {
            return "its provider is missing from the class path's META-INF/services (a jar that merged them away)";
        }
        if (!nativeProvider.isAvailable()) {
            return nativeProvider.unavailabilityReason();
        }
        return null;
    }

    private static String whyNotEpoll(TransportProvider epoll) {
        if (epoll == null) {
            return "netcode-transport-epoll is not on the class path (add the dependency dev.netcode:netcode-transport-epoll)";
        }
        if (!epoll.isAvailable()) {
            return "it cannot run here, it needs Linux x86-64 (" + epoll.unavailabilityReason() + ")";
        }
        return null;
    }

    private static TransportProvider find(List<TransportProvider> providers, String name) {
        for (TransportProvider provider : providers) {
            if (provider.name().equals(name)) {
                return provider;
            }
        }
        return null;
    }

    private static List<TransportProvider> installedProviders() {
        List<TransportProvider> providers = new ArrayList<>();
        ServiceLoader.load(TransportProvider.class).forEach(providers::add);
        return providers;
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }
}
