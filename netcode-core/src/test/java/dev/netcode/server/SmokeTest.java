package dev.netcode.server;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.token.ConnectTokenGenerator;
import dev.netcode.transport.SimulatedNetwork;
import dev.netcode.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest {

    @Test
    void connectAndEcho() {
        SimulatedNetwork network = new SimulatedNetwork(1).setLatencySeconds(0.05);
        byte[] key = SecureRandomBytes.key();
        long protocolId = 0x1122334455667788L;
        long[] unix = { 1_700_000_000L };
        Transport serverTransport = network.endpoint(NetcodeAddress.parse("127.0.0.1:40000"));
        List<String> events = new ArrayList<>();
        NetcodeServer[] holder = new NetcodeServer[1];
        ServerConfig config = ServerConfig.builder(protocolId, key).unixClock(() -> unix[0])
                .eventHandler(new ServerEventHandler() {
                    @Override
                    public void onClientConnected(ClientSlot slot) {
                        events.add("connect " + slot.index());
                    }

                    @Override
                    public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                        holder[0].sendPayload(slot.index(), buf, offset, length);
                    }
                }).build();
        NetcodeServer server = new NetcodeServer(config, serverTransport, 0);
        holder[0] = server;
        server.start(4);
        List<Integer> echoed = new ArrayList<>();
        NetcodeClient client = new NetcodeClient(network.endpoint(NetcodeAddress.parse("127.0.0.1:50000")),
                new ClientEventHandler() {
                    @Override
                    public void onPayload(byte[] buf, int offset, int length, long sequence) {
                        echoed.add(length);
                    }
                }, 0);
        var token = new ConnectTokenGenerator(key, protocolId, () -> unix[0])
                .generate(42, List.of(NetcodeAddress.parse("127.0.0.1:40000")), 60, 10, null);
        client.connect(token.toBytes());
        double t = 0;
        for (int i = 0; i < 200; i++) {
            t += 0.01;
            network.update(t);
            client.update(t);
            server.update(t);
            if (client.state() == ClientState.CONNECTED) {
                client.sendPayload(new byte[] { 1, 2, 3 });
            }
        }
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(events).containsExactly("connect 0");
        assertThat(echoed).isNotEmpty();
        assertThat(server.dropCounters().total()).isZero();
    }
}
