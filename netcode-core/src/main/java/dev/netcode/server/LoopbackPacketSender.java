package dev.netcode.server;

/**
 * Delivers payloads the server sends to in-process (loopback) clients, which never touch the wire.
 * Required for loopback connections, as in the reference since 1.4.7.
 */
@FunctionalInterface
public interface LoopbackPacketSender {

    void sendLoopbackPacket(int clientIndex, byte[] buf, int offset, int length, long sequence);
}
