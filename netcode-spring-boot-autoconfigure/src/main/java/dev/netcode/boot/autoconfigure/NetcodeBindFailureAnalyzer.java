package dev.netcode.boot.autoconfigure;

import java.net.BindException;
import java.util.Locale;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.NetcodeBindException;

/** Explains a UDP socket that could not be bound, most often because the port is taken. */
class NetcodeBindFailureAnalyzer extends AbstractFailureAnalyzer<NetcodeBindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, NetcodeBindException cause) {
        boolean inUse = cause.getCause() instanceof BindException
                && String.valueOf(cause.getCause().getMessage()).toLowerCase(Locale.ROOT).contains("in use");
        if (inUse) {
            return new FailureAnalysis("The netcode server could not start: UDP " + cause.getBindAddress()
                    + " is already in use.",
                    "Stop the process that uses this UDP port, or set netcode.server.bind-address to another port "
                            + "(port 0 picks a free one; then leave netcode.server.public-addresses unset or update it).",
                    cause);
        }
        return new FailureAnalysis("The netcode server could not bind UDP " + cause.getBindAddress() + ": "
                + cause.getCause().getMessage() + ".",
                "Check netcode.server.bind-address: the IP must belong to this machine (or be a wildcard such as "
                        + "0.0.0.0 or [::]) and the port must be free and allowed.",
                cause);
    }
}
