package dev.netcode.boot.listener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The {@link NetcodeListener @NetcodeListener} methods of the application. The
 * {@link NetcodeListenerAnnotationBeanPostProcessor} registers them and {@link #freeze() freezes}
 * the registry once every singleton exists, before the server starts; the
 * {@link NetcodeListenerDispatcher} reads it for every payload.
 */
public class NetcodeListenerRegistry {

    private static final NetcodeListenerMethod[] NONE = {};

    private final List<NetcodeListenerMethod> registering = new ArrayList<>();

    private volatile NetcodeListenerMethod[] listeners = NONE;

    private volatile boolean frozen;

    /**
     * Adds a listener method.
     *
     * @throws IllegalStateException once the registry is frozen
     */
    public synchronized void register(NetcodeListenerMethod listener) {
        Objects.requireNonNull(listener, "listener");
        if (frozen) {
            throw new IllegalStateException("Cannot register " + listener + ": the NetcodeListenerRegistry is frozen "
                    + "once all singletons are created. @NetcodeListener methods must be on non-lazy singleton beans.");
        }
        registering.add(listener);
    }

    /** Ends registration; from now on {@link #getListeners()} is fixed. Idempotent. */
    public synchronized void freeze() {
        if (!frozen) {
            listeners = registering.toArray(NONE);
            frozen = true;
        }
    }

    public boolean isFrozen() {
        return frozen;
    }

    /** The registered listener methods, in registration order (empty until frozen). */
    public List<NetcodeListenerMethod> getListeners() {
        return List.of(listeners);
    }

    /** The frozen listeners (the array itself: don't modify it), or none before {@link #freeze()}. */
    NetcodeListenerMethod[] listeners() {
        return listeners;
    }

    @Override
    public String toString() {
        return "NetcodeListenerRegistry" + Arrays.toString(listeners);
    }
}
