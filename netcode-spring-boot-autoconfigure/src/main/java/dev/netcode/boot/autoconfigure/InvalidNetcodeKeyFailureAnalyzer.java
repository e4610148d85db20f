package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.InvalidNetcodeKeyException;

/** Explains an unusable {@code netcode.private-key} without ever showing it. */
class InvalidNetcodeKeyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNetcodeKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidNetcodeKeyException cause) {
        return new FailureAnalysis("The netcode private key (netcode.private-key) cannot be used: " + cause.getReason() + ".",
                "Set netcode.private-key to the 32-byte key your token issuers and game servers share, written as 64 hex "
                        + "digits or as base64 (generate one with 'netcode-cli keygen'), or remove it to use a random "
                        + "key for this instance only.",
                cause);
    }
}
