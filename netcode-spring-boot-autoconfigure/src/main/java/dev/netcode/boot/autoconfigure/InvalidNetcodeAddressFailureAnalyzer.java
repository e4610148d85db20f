package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.InvalidNetcodeAddressException;

/** Explains a malformed netcode address property. */
class InvalidNetcodeAddressFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNetcodeAddressException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidNetcodeAddressException cause) {
        return new FailureAnalysis("The address '" + cause.getValue() + "' in " + cause.getProperty()
                + " is not valid: " + cause.getReason() + ".",
                "Write " + cause.getProperty() + " as an IP literal with a port: a.b.c.d:port for IPv4 or [ipv6]:port "
                        + "for IPv6 (for example 127.0.0.1:40000 or [::1]:40000). Host names are not resolved.",
                cause);
    }
}
