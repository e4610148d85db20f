package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.NetcodePublicAddressRequiredException;

/** Explains a wildcard bind with no public address. */
class NetcodePublicAddressRequiredFailureAnalyzer extends AbstractFailureAnalyzer<NetcodePublicAddressRequiredException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NetcodePublicAddressRequiredException cause) {
        return new FailureAnalysis("The netcode server binds the wildcard address " + cause.getBindAddress()
                + " (netcode.server.bind-address), so it cannot tell which address connect tokens should list.",
                "Set netcode.server.public-addresses to the address(es) clients reach this server at, exactly as they "
                        + "must appear in connect tokens (for example 203.0.113.7:40000), or bind a concrete address.",
                cause);
    }
}
