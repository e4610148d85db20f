package dev.netcode.reliability;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.netcode.Bytes;
import dev.netcode.address.NetcodeAddress;
import dev.netcode.server.ClientSlot;
import dev.netcode.server.NetcodeServer;
import dev.netcode.server.ServerConfig;
import dev.netcode.server.ServerEventHandler;

/**
 * An echo server in a process of its own, for tests that kill it abruptly (SIGKILL: no stop, no
 * disconnect packets, nothing flushed). Arguments: bind address (127.0.0.1 with a fixed port),
 * protocol id (hex), max clients, and a file holding the private key in hex (not the command line,
 * where {@code ps} would show it). Prints {@code READY <address>} once serving, then runs until
 * killed, or for at most 120 s.
 */
public final class ServerProcess {

    public static void main(String[] args) throws Exception {
        NetcodeAddress bind = NetcodeAddress.parse(args[0]);
        long protocolId = Long.parseUnsignedLong(args[1], 16);
        int maxClients = Integer.parseInt(args[2]);
        byte[] key = Bytes.fromHex(Files.readString(Path.of(args[3])).trim());
        ServerConfig config = ServerConfig.builder(protocolId, key).eventHandler(new ServerEventHandler() {
            @Override
            public void onPayload(ClientSlot slot, byte[] buf, int offset, int length) {
                slot.send(buf, offset, length);
            }
        }).build();
        NetcodeServer server = NetcodeServer.start(config, bind, maxClients);
        System.out.println("READY " + server.localAddress());
        System.out.flush();
        Thread.sleep(120_000);
    }

    private ServerProcess() {
    }
}
