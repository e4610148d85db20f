package dev.netcode.boot.listener;

import java.util.ArrayList;
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

    /** The channel listeners by channel id. */
    private volatile NetcodeListenerMethod[][] channelListeners = {};

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
            listeners = registering.stream().filter((listener) -> listener.channel() == null)
                .toArray(NetcodeListenerMethod[]::new);
            int channels = registering.stream().mapToInt(NetcodeListenerMethod::channelId).max().orElse(-1) + 1;
            NetcodeListenerMethod[][] byChannel = new NetcodeListenerMethod[channels][];
            for (int id = 0; id < channels; id++) {
                int channel = id;
                byChannel[id] = registering.stream().filter((listener) -> listener.channelId() == channel)
                    .toArray(NetcodeListenerMethod[]::new);
            }
            channelListeners = byChannel;
            frozen = true;
        }
    }

    public boolean isFrozen() {
        return frozen;
    }

    /**
     * The registered listener methods, payload listeners then those of each channel by id, each in
     * registration order (empty until frozen).
     */
    public List<NetcodeListenerMethod> getListeners() {
        List<NetcodeListenerMethod> all = new ArrayList<>(List.of(listeners));
        for (NetcodeListenerMethod[] channel : channelListeners) {
            all.addAll(List.of(channel));
        }
        return List.copyOf(all);
    }

    /** The frozen payload listeners (the array itself: don't modify it), or none before {@link #freeze()}. */
    NetcodeListenerMethod[] listeners() {
        return listeners;
    }

    /** The frozen listeners of channel {@code channel} (the array itself: don't modify it). */
    NetcodeListenerMethod[] listeners(int channel) {
        NetcodeListenerMethod[][] byChannel = channelListeners;
        return (channel >= 0 && channel < byChannel.length) ? byChannel[channel] : NONE;
    }

    @Override
    public String toString() {
        return "NetcodeListenerRegistry" + getListeners();
    }
}
