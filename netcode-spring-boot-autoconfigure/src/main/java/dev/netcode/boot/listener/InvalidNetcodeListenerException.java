package dev.netcode.boot.listener;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

import org.springframework.beans.factory.BeanInitializationException;

/**
 * A {@link NetcodeListener @NetcodeListener} method has a parameter or a return type the
 * dispatcher cannot provide or handle, or names a channel that is not configured. Thrown at
 * start-up, when the method's bean is initialised; {@link #getProblem()} says which.
 */
public class InvalidNetcodeListenerException extends BeanInitializationException {

    private static final long serialVersionUID = 1L;

    /** {@link #getParameterIndex()} of an invalid return type. */
    public static final int RETURN_TYPE = -1;

    /** What parameters may be. */
    public static final String SUPPORTED_PARAMETER_TYPES = "NetcodeSession, byte[] (a copy of the payload), "
            + "java.nio.ByteBuffer (the payload, read-only), long or Long (the client id), "
            + "and types a NetcodeArgumentResolver bean supports";

    /** What methods may return. */
    public static final String SUPPORTED_RETURN_TYPES = "void, byte[] or java.nio.ByteBuffer (sent back to the client)";

    /** What is wrong with the method. */
    public enum Problem {

        /** A parameter no argument resolver supports (a payload listener). */
        PARAMETER,

        /** A return type that cannot be sent (a payload listener). */
        RETURN_TYPE,

        /** A channel listener's message parameter of a type no message converter can read. */
        MESSAGE_PARAMETER,

        /** A channel listener with a second parameter that would have to be the message. */
        SECOND_MESSAGE_PARAMETER,

        /** A channel listener's return type that no message converter can write. */
        MESSAGE_RETURN_TYPE,

        /** A channel that is not in {@code netcode.channels} (or none are configured). */
        UNKNOWN_CHANNEL,

        /** No channel named, while {@code netcode.channels} are configured. */
        CHANNEL_REQUIRED
    }

    private final Problem problem;

    private final String beanName;

    private final transient Method method;

    private final int parameterIndex;

    private final String invalidType;

    private final String channel;

    private final List<String> configuredChannels;

    private InvalidNetcodeListenerException(Problem problem, String message, String beanName, Method method,
            int parameterIndex, String invalidType, String channel, List<String> configuredChannels) {
        super(message);
        this.problem = problem;
        this.beanName = beanName;
        this.method = method;
        this.parameterIndex = parameterIndex;
        this.invalidType = invalidType;
        this.channel = channel;
        this.configuredChannels = List.copyOf(configuredChannels);
    }

    /** Parameter {@code index} of {@code method} on bean {@code beanName} has an unsupported type. */
    public static InvalidNetcodeListenerException forParameter(String beanName, Method method, int index) {
        String type = method.getGenericParameterTypes()[index].getTypeName();
        return new InvalidNetcodeListenerException(Problem.PARAMETER, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' has parameter " + index
                + " of unsupported type " + type + "; supported parameter types are " + SUPPORTED_PARAMETER_TYPES,
                beanName, method, index, type, "", List.of());
    }

    /** {@code method} on bean {@code beanName} has an unsupported return type. */
    public static InvalidNetcodeListenerException forReturnType(String beanName, Method method) {
        Type type = method.getGenericReturnType();
        return new InvalidNetcodeListenerException(Problem.RETURN_TYPE, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' has unsupported return type "
                + type.getTypeName() + "; supported return types are " + SUPPORTED_RETURN_TYPES, beanName, method,
                RETURN_TYPE, type.getTypeName(), "", List.of());
    }

    /**
     * Parameter {@code index} of channel listener {@code method} would be the message, but no
     * message converter can read its type.
     */
    public static InvalidNetcodeListenerException forMessageParameter(String beanName, Method method, int index,
            String channel, List<?> converters) {
        String type = method.getGenericParameterTypes()[index].getTypeName();
        return new InvalidNetcodeListenerException(Problem.MESSAGE_PARAMETER, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' for channel '" + channel
                + "' takes the message as parameter " + index + " of type " + type
                + ", which no NetcodeMessageConverter can read (converters: " + converters + ")", beanName, method,
                index, type, channel, List.of());
    }

    /**
     * Parameter {@code index} of channel listener {@code method} is not resolved by an argument
     * resolver, and an earlier parameter already takes the message.
     */
    public static InvalidNetcodeListenerException forSecondMessageParameter(String beanName, Method method,
            int index, int messageIndex, String channel) {
        String type = method.getGenericParameterTypes()[index].getTypeName();
        return new InvalidNetcodeListenerException(Problem.SECOND_MESSAGE_PARAMETER, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' for channel '" + channel
                + "' has parameter " + index + " of type " + type + ", but parameter " + messageIndex
                + " already takes the message and no argument resolver supports it", beanName, method, index, type,
                channel, List.of());
    }

    /** Channel listener {@code method} returns a type no message converter can write. */
    public static InvalidNetcodeListenerException forMessageReturnType(String beanName, Method method, String channel,
            List<?> converters) {
        String type = method.getGenericReturnType().getTypeName();
        return new InvalidNetcodeListenerException(Problem.MESSAGE_RETURN_TYPE, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' for channel '" + channel + "' returns "
                + type + ", which no NetcodeMessageConverter can write (converters: " + converters + ")", beanName,
                method, RETURN_TYPE, type, channel, List.of());
    }

    /** {@code method} names {@code channel}, which is not one of {@code configured} (maybe none). */
    public static InvalidNetcodeListenerException forUnknownChannel(String beanName, Method method, String channel,
            List<String> configured) {
        return new InvalidNetcodeListenerException(Problem.UNKNOWN_CHANNEL, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' listens to channel '" + channel + "', "
                + (configured.isEmpty() ? "but no netcode.channels are configured"
                        : "which is not one of the configured netcode.channels " + configured),
                beanName, method, -1, "", channel, configured);
    }

    /** {@code method} names no channel, while {@code configured} channels exist. */
    public static InvalidNetcodeListenerException forChannelRequired(String beanName, Method method,
            List<String> configured) {
        return new InvalidNetcodeListenerException(Problem.CHANNEL_REQUIRED, "@NetcodeListener method '"
                + method.toGenericString() + "' on bean '" + beanName + "' names no channel, but netcode.channels "
                + configured + " are configured, so every payload is a channel message", beanName, method, -1, "", "",
                configured);
    }

    /** What is wrong with the method. */
    public Problem getProblem() {
        return problem;
    }

    /** The bean that declares the method. */
    public String getBeanName() {
        return beanName;
    }

    /** The annotated method. */
    public Method getMethod() {
        return method;
    }

    /**
     * Index of the invalid parameter, {@link #RETURN_TYPE} when the return type is invalid, and -1
     * for a channel problem.
     */
    public int getParameterIndex() {
        return parameterIndex;
    }

    /** Whether the return type, rather than a parameter, is invalid. */
    public boolean isReturnTypeInvalid() {
        return problem == Problem.RETURN_TYPE || problem == Problem.MESSAGE_RETURN_TYPE;
    }

    /** The invalid (generic) type's name; empty for a channel problem. */
    public String getInvalidType() {
        return invalidType;
    }

    /** The channel the method names; empty if none. */
    public String getChannel() {
        return channel;
    }

    /** The configured channels, for {@link Problem#UNKNOWN_CHANNEL} and {@link Problem#CHANNEL_REQUIRED}. */
    public List<String> getConfiguredChannels() {
        return configuredChannels;
    }
}
