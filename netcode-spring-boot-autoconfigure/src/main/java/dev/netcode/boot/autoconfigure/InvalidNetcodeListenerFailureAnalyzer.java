package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.listener.InvalidNetcodeListenerException;

/** Explains a {@code @NetcodeListener} method whose signature the dispatcher cannot serve. */
class InvalidNetcodeListenerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNetcodeListenerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidNetcodeListenerException cause) {
        String method = cause.getMethod().toGenericString();
        if (cause.isReturnTypeInvalid()) {
            return new FailureAnalysis("The @NetcodeListener method " + method + " on bean '" + cause.getBeanName()
                    + "' returns " + cause.getInvalidType() + ", which cannot be sent to a client.",
                    "Make the method return void, or byte[] or java.nio.ByteBuffer to reply to the sending client "
                            + "(null sends nothing). To send something else, encode it and call NetcodeSession.send "
                            + "(take a NetcodeSession parameter).",
                    cause);
        }
        return new FailureAnalysis("Parameter " + cause.getParameterIndex() + " of the @NetcodeListener method "
                + method + " on bean '" + cause.getBeanName() + "' has type " + cause.getInvalidType()
                + ", which no argument resolver supports.",
                "Change the parameter to one of the supported types: "
                        + InvalidNetcodeListenerException.SUPPORTED_PARAMETER_TYPES
                        + ". To receive " + cause.getInvalidType() + ", declare a NetcodeArgumentResolver bean whose "
                        + "supportsParameter accepts it (for example one that decodes the payload).",
                cause);
    }
}
