/**
 * Application-side handling of netcode clients: {@link dev.netcode.boot.listener.NetcodeListener @NetcodeListener}
 * methods receive payloads, and {@link dev.netcode.boot.listener.NetcodeClientConnectedEvent} and
 * {@link dev.netcode.boot.listener.NetcodeClientDisconnectedEvent} report the session lifecycle to
 * {@code @EventListener} methods. A {@link dev.netcode.boot.listener.NetcodeListenerDispatcher} runs both off the
 * server's network thread, in order per client.
 */
@NullMarked
package dev.netcode.boot.listener;

import org.jspecify.annotations.NullMarked;
