package dev.netcode.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.netcode.boot.listener.InvalidNetcodeListenerException;

/**
 * Explains a {@code @NetcodeListener} method whose signature the dispatcher cannot serve, or whose
 * channel does not match {@code netcode.channels}.
 */
class InvalidNetcodeListenerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidNetcodeListenerException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidNetcodeListenerException cause) {
        String method = "@NetcodeListener method " + cause.getMethod().toGenericString() + " on bean '"
                + cause.getBeanName() + "'";
        String channel = "'" + cause.getChannel() + "'";
        return switch (cause.getProblem()) {
            case RETURN_TYPE -> new FailureAnalysis("The " + method + " returns " + cause.getInvalidType()
                    + ", which cannot be sent to a client.",
                    "Make the method return void, or byte[] or java.nio.ByteBuffer to reply to the sending client "
                            + "(null sends nothing). To send something else, encode it and call NetcodeSession.send "
                            + "(take a NetcodeSession parameter).",
                    cause);
            case PARAMETER -> new FailureAnalysis("Parameter " + cause.getParameterIndex() + " of the " + method
                    + " has type " + cause.getInvalidType() + ", which no argument resolver supports.",
                    "Change the parameter to one of the supported types: "
                            + InvalidNetcodeListenerException.SUPPORTED_PARAMETER_TYPES + ". To receive "
                            + cause.getInvalidType() + ", declare a NetcodeArgumentResolver bean whose "
                            + "supportsParameter accepts it (for example one that decodes the payload).",
                    cause);
            case MESSAGE_PARAMETER -> new FailureAnalysis("The " + method + " takes the messages of channel " + channel
                    + " as " + cause.getInvalidType() + " (parameter " + cause.getParameterIndex()
                    + "), but no NetcodeMessageConverter can read that type.",
                    "Take the message as byte[], java.nio.ByteBuffer or String, add Jackson (a JsonMapper bean, "
                            + "as spring-boot-starter-json provides) to receive it as JSON, or declare a "
                            + "NetcodeMessageConverter bean whose canRead accepts " + cause.getInvalidType() + ".",
                    cause);
            case SECOND_MESSAGE_PARAMETER -> new FailureAnalysis("Parameter " + cause.getParameterIndex()
                    + " of the " + method + " has type " + cause.getInvalidType()
                    + ", which no argument resolver supports, and an earlier parameter already takes the message"
                    + " of channel " + channel + ".",
                    "Take one message parameter; the others may be NetcodeSession, long or Long (the client id), "
                            + "or types a NetcodeArgumentResolver bean supports.",
                    cause);
            case MESSAGE_RETURN_TYPE -> new FailureAnalysis("The " + method + " returns " + cause.getInvalidType()
                    + ", which no NetcodeMessageConverter can write, so the reply cannot be sent on channel "
                    + channel + ".",
                    "Return void, byte[], java.nio.ByteBuffer or String, add Jackson to send it as JSON, or "
                            + "declare a NetcodeMessageConverter bean whose canWrite accepts "
                            + cause.getInvalidType() + ".",
                    cause);
            case UNKNOWN_CHANNEL -> new FailureAnalysis("The " + method + " listens to channel " + channel + ", "
                    + (cause.getConfiguredChannels().isEmpty() ? "but no netcode.channels are configured."
                            : "which is not configured; the configured channels are "
                                    + cause.getConfiguredChannels() + "."),
                    "Configure the channel, for example netcode.channels." + cause.getChannel()
                            + ".delivery=reliable-ordered, or name one of the configured channels in "
                            + "@NetcodeListener(channel = ...).",
                    cause);
            case CHANNEL_REQUIRED -> new FailureAnalysis("The " + method + " names no channel, but netcode.channels "
                    + cause.getConfiguredChannels() + " are configured, so clients send channel messages only.",
                    "Name the channel whose messages the method receives, for example @NetcodeListener(channel = \""
                            + cause.getConfiguredChannels().get(0) + "\"), or remove netcode.channels to receive "
                            + "raw payloads.",
                    cause);
        };
    }
}
