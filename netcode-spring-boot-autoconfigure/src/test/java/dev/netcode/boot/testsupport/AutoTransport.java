package dev.netcode.boot.testsupport;

import dev.netcode.transport.NativeUdpTransport;
import dev.netcode.transport.epoll.EpollTransport;

/** What {@code netcode.server.transport=auto} picks on this module's test class path. */
public final class AutoTransport {

    private AutoTransport() {
    }

    /**
     * The transport name auto must pick: netcode-core's native transport where its library loaded, even though the
     * optional netcode-transport-epoll is on this test class path too; else epoll where it runs; else nio.
     */
    public static String expectedName() {
        if (NativeUdpTransport.isAvailable()) {
            return "native";
        }
        return EpollTransport.isAvailable() ? "epoll" : "nio";
    }
}
