package dev.netcode.reliability;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.client.ClientEventHandler;
import dev.netcode.client.ClientState;
import dev.netcode.client.NetcodeClient;
import dev.netcode.crypto.SecureRandomBytes;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.ConnectTokenGenerator;

/**
 * Everything a server and its clients log, in one process run by {@link SecretsHygieneTest} with
 * every logger at TRACE: a full session over UDP on 127.0.0.1 (connect, payloads, an event handler
 * that throws, clean disconnect), a kicked client, an invalid token, a token sealed with another
 * key, garbage, and a graceful stop with a client connected. The private key and every session key
 * it used go to the file given as the only argument, never to the output, which the test then
 * searches for them. Prints {@code DONE} at the end.
 */
public final class LoggedSession {

    private static final long PROTOCOL_ID = 0x4C6F6773L;
    private static final NetcodeAddress LOCALHOST = NetcodeAddress.parse("127.0.0.1:0");

    public static void main(String[] args) throws Exception {
        Path secretsFile = Path.of(args[0]);
        List<String> secrets = new ArrayList<>();
        byte[] key = SecureRandomBytes.key();
        secrets.add(Bytes.toHex(key));
        ServerConfig config = ServerConfig.builder(PROTOCOL_ID, key).eventHandler(new ServerEventHandler() {
            private boolean thrown;

            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                if (!thrown) {
                    thrown = true;
                    throw new IllegalStateException("handler failure with " + slot);
                }
                slot.send(buf, offset, length);
            }
        }).build();
        NetcodeServer server = NetcodeServer.start(config, LOCALHOST, 4);
        NetcodeAddress address = server.localAddress();
        ConnectTokenGenerator tokens = new ConnectTokenGenerator(key, PROTOCOL_ID);
        CountDownLatch echoes = new CountDownLatch(3);
        ClientEventHandler events = new ClientEventHandler() {
            @Override
            public void onPayload(byte[] buf, int offset, int length, long sequence) {
                echoes.countDown();
            }
        };

        // A full session: connect, payloads (the first makes the handler throw), clean disconnect.
        ConnectToken first = mint(tokens, 1, address, secrets);
        try (NetcodeClient client = NetcodeClient.start(LOCALHOST, events)) {
            client.connect(first.toBytes());
            expect(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000), ClientState.CONNECTED);
            for (int i = 0; i < 4; i++) {
                client.sendPayload(new byte[] { (byte) i, 1, 2, 3 }, 0, 4);
            }
            if (!echoes.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no echoes");
            }
            System.out.println("snapshot " + server.snapshot());
            client.disconnect();
            expect(client.awaitState(s -> s == ClientState.DISCONNECTED, 5_000), ClientState.DISCONNECTED);

            // The same token again: refused (used).
            client.connect(first.toBytes());
            Thread.sleep(300);
            client.disconnect();

            // An invalid token, and one sealed with another key.
            byte[] broken = mint(tokens, 2, address, secrets).toBytes();
            broken[0] ^= 1;
            client.connect(broken);
            expect(client.awaitState(ClientState::isError, 5_000), ClientState.INVALID_CONNECT_TOKEN);
            client.connect(mint(new ConnectTokenGenerator(SecureRandomBytes.key(), PROTOCOL_ID), 3, address, secrets)
                    .toBytes());
            Thread.sleep(300);
            client.disconnect();

            // Kicked by the server.
            client.connect(mint(tokens, 4, address, secrets).toBytes());
            expect(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000), ClientState.CONNECTED);
            server.disconnect(server.snapshot().clients().get(0).index());
            expect(client.awaitState(s -> s != ClientState.CONNECTED, 5_000), ClientState.DISCONNECTED);

            // Garbage.
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.send(ByteBuffer.wrap(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 }),
                        address.toInetSocketAddress());
            }

            // Connected when the server stops gracefully.
            client.connect(mint(tokens, 5, address, secrets).toBytes());
            expect(client.awaitState(s -> s == ClientState.CONNECTED || s.isError(), 5_000), ClientState.CONNECTED);
            server.stop();
            expect(client.awaitState(s -> s != ClientState.CONNECTED, 5_000), ClientState.DISCONNECTED);
        }
        Files.write(secretsFile, secrets);
        System.out.println("DONE");
    }

    private static ConnectToken mint(ConnectTokenGenerator tokens, long clientId, NetcodeAddress server,
            List<String> secrets) {
        ConnectToken token = tokens.generate(clientId, List.of(server), 30, 5, null);
        secrets.add(Bytes.toHex(token.clientToServerKey()));
        secrets.add(Bytes.toHex(token.serverToClientKey()));
        return token;
    }

    private static void expect(ClientState actual, ClientState expected) {
        if (actual != expected) {
            throw new IllegalStateException("expected " + expected + ", got " + actual);
        }
    }

    private LoggedSession() {
    }
}
