package dev.netcode.boot.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that receives the payloads clients send to the netcode server, or, when
 * {@code netcode.channels} are configured, the messages they send on one {@link #channel()}.
 *
 * <h2>Payloads (no channels configured)</h2>
 * Parameters are resolved by type (so nothing depends on compiling with {@code -parameters}), in
 * any order and any combination:
 * <ul>
 * <li>{@link NetcodeSession}: the sending client's session; keep it to send to the client later;</li>
 * <li>{@code byte[]}: a copy of the payload (allocated per call);</li>
 * <li>{@link java.nio.ByteBuffer}: the payload, read-only, from position 0 to its length; valid
 * only during the call, so copy what you keep;</li>
 * <li>{@code long} or {@link Long}: the client id from the connect token;</li>
 * <li>any type a {@link NetcodeArgumentResolver} bean supports (those are asked first).</li>
 * </ul>
 * The method returns {@code void}, or a {@code byte[]} or {@link java.nio.ByteBuffer} (1 to 1200
 * bytes) that is sent back to the sending client; {@code null} or an empty reply sends nothing. Any
 * other parameter or return type fails start-up with an {@link InvalidNetcodeListenerException}.
 *
 * <h2>Channel messages</h2>
 * With channels configured, every method names its channel, {@code @NetcodeListener(channel = "chat")}
 * or {@code @NetcodeListener("chat")}, and gets that channel's messages, each once and, on a
 * {@code reliable-ordered} channel, in order. Parameters are resolved by type as above, except that
 * the message replaces the payload: {@link NetcodeSession}, the client id ({@code long} or
 * {@link Long}) and types of {@link NetcodeArgumentResolver} beans as before, and at most one
 * further parameter, the message, converted from its bytes by the first
 * {@link dev.netcode.boot.message.NetcodeMessageConverter} that can read the parameter's type
 * ({@code byte[]}, {@link java.nio.ByteBuffer}, {@link String} as UTF-8, and any other type as JSON
 * when the application has Jackson). A returned object is converted the same way and sent back to
 * the sender on the same channel ({@code null} sends nothing). A parameter or return type that no
 * converter handles fails start-up. A message that cannot be converted (malformed JSON, say) goes
 * to the {@link NetcodeListenerErrorHandler} like an exception of the method.
 *
 * <pre class="code">
 * &#064;NetcodeListener(channel = "chat")
 * ChatLine chat(NetcodeSession session, ChatLine line) {
 *     return new ChatLine("server", "welcome, " + line.from());
 * }
 * </pre>
 *
 * <h2>Threads, order and errors</h2>
 * Methods run on the listener threads ({@code netcode.listener.threads}), never on the server's
 * network thread. One client's payloads arrive in order, one at a time; different clients run in
 * parallel, so a listener shared by several clients must be thread-safe. When several methods are
 * annotated (for the same channel), every payload goes to each of them, in registration order. An
 * exception is handed to the {@link NetcodeListenerErrorHandler} and the next payload is delivered
 * as usual.
 *
 * <p>There are no annotated connect or disconnect methods: the session lifecycle is published as
 * {@link NetcodeClientConnectedEvent} and {@link NetcodeClientDisconnectedEvent}, which
 * {@code @EventListener} methods receive in order with that client's payloads.
 *
 * <pre class="code">
 * &#064;Component
 * class EchoListener {
 *
 *     &#064;NetcodeListener
 *     byte[] echo(NetcodeSession session, byte[] payload) {
 *         return payload;
 *     }
 *
 *     &#064;EventListener
 *     void joined(NetcodeClientConnectedEvent event) {
 *         event.getSession().send("welcome".getBytes(StandardCharsets.UTF_8));
 *     }
 * }
 * </pre>
 *
 * Listener methods are found on singleton beans created at start-up; with AOP proxies, prefer
 * class-based (CGLIB) proxies, or declare the method on an interface the JDK proxy implements.
 *
 * @see NetcodeListenerAnnotationBeanPostProcessor
 * @see NetcodeListenerDispatcher
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NetcodeListener {

    /** Alias for {@link #channel()}. */
    @AliasFor("channel")
    String value() default "";

    /**
     * The channel whose messages the method receives, one of {@code netcode.channels}. Required when
     * channels are configured, not allowed otherwise; either mistake, or a name that is not
     * configured, fails start-up.
     */
    @AliasFor("value")
    String channel() default "";
}
