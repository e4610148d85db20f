package dev.netcode.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.Transport;

/**
 * Two message connections joined by a {@link SimulatedNetwork}, driven by an explicit clock: the
 * message layer alone, without the netcode handshake and encryption below it.
 */
final class MessagePair {

    /** One side: its transport, its connection, and what it received per channel. */
    static final class Side {
        final Transport transport;
        Transport peer;
        MessageConnection connection;
        final List<List<byte[]>> received = new ArrayList<>();

        Side(Transport transport, int channels) {
            this.transport = transport;
            for (int i = 0; i < channels; i++) {
                received.add(new ArrayList<>());
            }
        }

        void receive() {
            transport.receive((from, buf, offset, length) -> connection.receivePayload(buf, offset, length), 1 << 16);
        }
    }

    final SimulatedNetwork network;
    final Side a;
    final Side b;
    double time;

    MessagePair(SimulatedNetwork network, MessageConfig config) {
        this(network, config, true);
    }

    MessagePair(SimulatedNetwork network, MessageConfig config, boolean recordMessages) {
        this.network = network;
        int channels = config.channels().size();
        a = new Side(network.endpoint(), channels);
        b = new Side(network.endpoint(), channels);
        a.connection = connect(config, a, b, recordMessages);
        b.connection = connect(config, b, a, recordMessages);
    }

    private MessageConnection connect(MessageConfig config, Side self, Side peer, boolean record) {
        return new MessageConnection(config, time,
                (buf, offset, length) -> self.transport.send(peer.transport.localAddress(), buf, offset, length),
                (channel, buf, offset, length) -> {
                    if (record) {
                        self.received.get(channel).add(Arrays.copyOfRange(buf, offset, offset + length));
                    }
                });
    }

    /** Advances the clock by {@code dt} and runs both sides once. */
    void step(double dt) {
        time += dt;
        network.update(time);
        a.receive();
        b.receive();
        a.connection.update(time);
        b.connection.update(time);
    }

    /** Steps until {@code done} holds, at most {@code maxSteps} times; returns whether it held. */
    boolean runUntil(java.util.function.BooleanSupplier done, double dt, int maxSteps) {
        for (int i = 0; i < maxSteps; i++) {
            if (done.getAsBoolean()) {
                return true;
            }
            step(dt);
        }
        return done.getAsBoolean();
    }

    static byte[] message(int channel, int index, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (channel * 31 + index * 7 + i);
        }
        if (length >= 4) {
            bytes[0] = (byte) index;
            bytes[1] = (byte) (index >>> 8);
            bytes[2] = (byte) (index >>> 16);
            bytes[3] = (byte) channel;
        }
        return bytes;
    }
}
