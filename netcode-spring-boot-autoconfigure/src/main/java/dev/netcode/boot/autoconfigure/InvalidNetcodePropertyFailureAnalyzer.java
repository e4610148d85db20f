package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.InvalidNetcodePropertyException;

/** Explains a netcode property value that would break handshakes, tokens or the restart rule. */
class InvalidNetcodePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNetcodePropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidNetcodePropertyException cause) {
        return new FailureAnalysis("The value '" + cause.getValue() + "' of " + cause.getProperty()
                + " cannot be used: " + cause.getReason() + ".",
                "Set " + cause.getProperty() + " to " + cause.getRequirement() + ".", cause);
    }
}
