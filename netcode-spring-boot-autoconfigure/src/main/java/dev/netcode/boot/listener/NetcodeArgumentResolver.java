package dev.netcode.boot.listener;

import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;

/**
 * Resolves a parameter of a {@link NetcodeListener @NetcodeListener} method, for types the built-in
 * resolvers don't know (for example a player object looked up by client id, or a decoded message).
 * Declare it as a bean; beans of this type are asked, in {@link org.springframework.core.Ordered
 * order}, before the built-in resolvers.
 *
 * <p>{@link #supportsParameter} is asked once per parameter at start-up, when the listener method is
 * found, and the answer is kept: a parameter that no resolver supports fails start-up.
 * {@link #resolveArgument} then runs for every payload on a listener thread, so it must be
 * thread-safe and should be fast.
 */
public interface NetcodeArgumentResolver {

    /** Whether this resolver provides values for {@code parameter}; called at start-up. */
    boolean supportsParameter(MethodParameter parameter);

    /**
     * The value for {@code parameter} for the payload in {@code context}; called for every payload.
     * An exception is handled like one thrown by the listener method itself.
     */
    @Nullable Object resolveArgument(MethodParameter parameter, NetcodePayloadContext context);
}
