/**
 * Packet acknowledgement and fragmentation in the wire format of the C library {@code reliable}
 * 1.0, byte for byte, as an opt-in layer above netcode's payloads (one reliable datagram travels
 * as one netcode payload): {@link dev.netcode.reliable.ReliableEndpoint} numbers, acks, fragments and
 * reassembles packets and measures RTT, loss and bandwidth; {@link dev.netcode.reliable.PacketHeader}
 * and {@link dev.netcode.reliable.FragmentHeader} are its two headers.
 */
package dev.netcode.reliable;
