package dev.netcode.boot.test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.transport.LoopCommands;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.Transport;
import dev.netcode.transport.TransportOptions;
import dev.netcode.transport.TransportProvider;
import dev.netcode.transport.UpdateLoop;

/**
 * The simulated network of a test with {@code @AutoConfigureNetcodeTestClient(network = SIMULATED)}
 * and its clock. The application's server and every {@link NetcodeTestClient} bind endpoints of one
 * {@link SimulatedNetwork}; none of them has a thread of its own: they are driven here, on the
 * calling thread, at the simulation's time, which moves only when the test calls
 * {@link #advance(Duration)}. So a test can let six seconds pass in an instant and see the
 * application's disconnect listener run for a client that timed out, with the network's latency,
 * jitter and loss set on {@link #network()}.
 *
 * <p>The application's listeners still run on their own threads (the starter's listener pool), so
 * what they send reaches the network when the server's loop next runs: the waits of a
 * {@link NetcodeTestClient} keep driving the loops at the current time (the clock stands still)
 * until the reply arrives or the wait's real-time timeout passes. A reply delayed by latency
 * arrives once the test has advanced the clock past it. Likewise a query another thread puts to the
 * server ({@code NetcodeServer.call}, {@code snapshot()}) is answered when the test's thread next
 * runs the loops.
 */
public final class NetcodeSimulation {

    /** The clock moves in steps of this much, every party updated at each step. */
    public static final Duration STEP = Duration.ofMillis(10);

    private static final double STEP_SECONDS = STEP.toNanos() / 1e9;

    private final SimulatedNetwork network = new SimulatedNetwork();

    private final List<SimulatedLoop> loops = new CopyOnWriteArrayList<>();

    /** The thread driving the loops right now, their "loop thread"; {@code null} between runs. */
    private volatile Thread driver;

    /** The network the server and the clients share: set its latency, jitter, loss or a filter. */
    public SimulatedNetwork network() {
        return network;
    }

    /** Seconds on the simulation's clock since it was made. */
    public double now() {
        return network.now();
    }

    /**
     * Moves the clock on by {@code duration} in {@link #STEP}s, updating the server and every client
     * at each step (keep-alives, resends, timeouts fall due as they would in that much real time).
     */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward, got " + duration);
        }
        double end = now() + duration.toNanos() / 1e9;
        while (now() < end) {
            step(Math.min(end, now() + STEP_SECONDS));
        }
    }

    /**
     * Moves the clock on, step by step, until {@code condition} holds or {@code limit} has passed;
     * returns whether it held.
     */
    synchronized boolean advanceUntil(BooleanSupplier condition, Duration limit) {
        double end = now() + limit.toNanos() / 1e9;
        while (!condition.getAsBoolean()) {
            if (now() >= end) {
                return false;
            }
            step(Math.min(end, now() + STEP_SECONDS));
        }
        return true;
    }

    /** Runs every loop once at the current time: delivers what is due, sends what was queued. */
    synchronized void runDue() {
        step(now());
    }

    private void step(double time) {
        network.update(time);
        driver = Thread.currentThread();
        try {
            for (SimulatedLoop loop : loops) {
                loop.runOnce(time);
            }
        }
        finally {
            driver = null;
        }
    }

    /** A provider whose transports are endpoints of this network, driven by this simulation's clock. */
    TransportProvider transportProvider() {
        return new TransportProvider() {

            @Override
            public String name() {
                return "simulated";
            }

            @Override
            public Transport bind(NetcodeAddress address, TransportOptions options) {
                return NetcodeSimulation.this.bind(address);
            }
        };
    }

    /** An endpoint of this network at {@code address} (port 0: a free one) whose loop this simulation drives. */
    Transport bind(NetcodeAddress address) {
        return new SimulatedTransport(network.endpoint(address));
    }

    @Override
    public String toString() {
        return "NetcodeSimulation[t=" + now() + "s, " + network + "]";
    }

    /** An endpoint of the network whose state machine is driven by this simulation instead of a thread. */
    private final class SimulatedTransport implements Transport {

        private final Transport endpoint;

        SimulatedTransport(Transport endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public NetcodeAddress localAddress() {
            return endpoint.localAddress();
        }

        @Override
        public void send(NetcodeAddress to, byte[] buf, int offset, int length) {
            endpoint.send(to, buf, offset, length);
        }

        @Override
        public int receive(DatagramHandler handler, int max) {
            return endpoint.receive(handler, max);
        }

        @Override
        public UpdateLoop newLoop(String threadName, double startTime, DoubleConsumer update,
                DoubleSupplier nextUpdateTime, Runnable onExit) {
            return new SimulatedLoop(update, onExit);
        }

        @Override
        public void close() {
            endpoint.close();
        }
    }

    /**
     * Drives one state machine at the simulation's time: its update and the commands other threads
     * queued, whenever the simulation runs; stopping runs the rest and the exit at once.
     */
    private final class SimulatedLoop implements UpdateLoop {

        private final DoubleConsumer update;

        private final Runnable onExit;

        private final LoopCommands commands = new LoopCommands("netcode-simulation");

        private volatile boolean alive;

        SimulatedLoop(DoubleConsumer update, Runnable onExit) {
            this.update = update;
            this.onExit = onExit;
        }

        @Override
        public void start() {
            alive = true;
            loops.add(this);
        }

        @Override
        public double now() {
            return NetcodeSimulation.this.now();
        }

        @Override
        public void execute(Runnable command) {
            commands.add(command);
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public boolean isLoopThread() {
            return Thread.currentThread() == driver;
        }

        void runOnce(double time) {
            update.accept(time);
            commands.runAll();
        }


        @Override
        public void stop(long timeoutMillis) {
            synchronized (NetcodeSimulation.this) {
                if (!alive) {
                    return;
                }
                alive = false;
                loops.remove(this);
                Thread previous = driver;
                driver = Thread.currentThread();
                try {
                    commands.runAll();
                    onExit.run();
                }
                finally {
                    driver = previous;
                }
            }
        }
    }
}
