package dev.netcode.benchmarks;

import java.util.List;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientState;
import dev.netcode.client.ClientStateMachine;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.server.ServerStateMachine;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/** What several benchmarks share: the reference's test key and ids, and a server with one connected client. */
final class Fixtures {

    static final long PROTOCOL_ID = 0x1122334455667788L;
    static final byte[] PRIVATE_KEY = Bytes.fromHex("606abe6ec91910ea9a6562f66f2b30e44371d62cd19927266b3c60f4b715aba1");
    static final NetcodeAddress SERVER_ADDRESS = NetcodeAddress.parse("127.0.0.1:40000");
    static final NetcodeAddress CLIENT_ADDRESS = NetcodeAddress.parse("127.0.0.1:50000");
    /** A fixed wall clock, so token expiry never moves under a benchmark. */
    static final long UNIX_TIME = 1_700_000_000L;

    private Fixtures() {
    }

    static ConnectTokenGenerator tokens() {
        return new ConnectTokenGenerator(PRIVATE_KEY, PROTOCOL_ID, () -> UNIX_TIME);
    }

    static ServerConfig.Builder serverConfig(ServerEventHandler events) {
        return ServerConfig.builder(PROTOCOL_ID, PRIVATE_KEY).serverAddress(SERVER_ADDRESS).unixClock(() -> UNIX_TIME)
                .eventHandler(events);
    }

    /**
     * A started server (one slot) whose client completed the real handshake over linked
     * {@link MemoryTransport}s and sent a keep-alive, so the slot is connected and confirmed;
     * then the transports are unlinked and the client is left behind. The server's update clock
     * stands at {@link #time}.
     */
    static final class ConnectedServer {

        final MemoryTransport transport = new MemoryTransport(SERVER_ADDRESS);
        final ServerStateMachine server;
        final ConnectToken token;
        final double time;

        ConnectedServer(ServerEventHandler events) {
            server = new ServerStateMachine(serverConfig(events).build(), transport, 0.0);
            server.start(1);
            MemoryTransport clientTransport = new MemoryTransport(CLIENT_ADDRESS);
            MemoryTransport.link(transport, clientTransport);
            token = tokens().generate(1, List.of(SERVER_ADDRESS), 300, 15, null);
            double t = 0.0;
            try (ClientStateMachine client = new ClientStateMachine(clientTransport, t)) {
                client.connect(token);
                for (int i = 0; i < 20 && !isConfirmed(); i++) {
                    t += 0.1;
                    client.update(t);
                    server.update(t);
                }
                if (client.state() != ClientState.CONNECTED || !isConfirmed()) {
                    throw new IllegalStateException("benchmark set-up: client did not connect (" + client.state() + ")");
                }
                transport.unlink();
            }
            time = t;
        }

        private boolean isConfirmed() {
            ClientSlot slot = server.slot(0);
            return slot != null && slot.isConnected() && slot.isConfirmed();
        }
    }
}
