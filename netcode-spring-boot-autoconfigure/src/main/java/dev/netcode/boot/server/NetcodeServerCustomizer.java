package dev.netcode.boot.server;

import dev.netcode.server.ServerConfig;

/**
 * Adjusts the auto-configured server's {@link ServerConfig} before it is built, e.g. to set a
 * loopback packet sender or a different wall clock.
 */
@FunctionalInterface
public interface NetcodeServerCustomizer {

    void customize(ServerConfig.Builder builder);
}
