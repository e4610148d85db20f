/**
 * Packet acknowledgement and fragmentation in the wire format of the C library {@code reliable}
 * 1.0, byte for byte, as an opt-in layer above netcode's payloads (one reliable datagram travels
 * as one netcode payload). So far: the regular packet header ({@link dev.netcode.reliable.PacketHeader}).
 */
package dev.netcode.reliable;
