package dev.netcode.boot.test;

/**
 * The network the game server and the {@link NetcodeTestClient}s of a test talk over
 * ({@link AutoConfigureNetcodeTestClient#network()}).
 */
public enum NetcodeTestNetwork {

    /** Real UDP on the loopback interface, in real time: the server as it runs in production. */
    UDP,

    /**
     * The same server (the application's listeners, channels and configuration) over an in-memory
     * {@link dev.netcode.transport.SimulatedNetwork} whose clock moves only when the test
     * {@linkplain NetcodeSimulation#advance advances} it: timeouts and other time-dependent logic
     * without waiting for them, with latency and loss under the test's control.
     */
    SIMULATED
}
