package dev.netcode.packet;

/**
 * The result of reading one datagram, reused from packet to packet so reading allocates nothing.
 * The body is decrypted in place: fields that point into the datagram buffer ({@code *Offset}) are
 * valid until the buffer is reused. Only the fields of the read type are meaningful.
 */
public final class Packet {

    PacketType type;
    long sequence;
    int bodyOffset;
    int bodyLength;
    DropReason dropReason;

    // keep-alive
    int clientIndex;
    int maxClients;

    // challenge and response: the challenge token (300 bytes, still sealed) lives at challengeTokenOffset
    long challengeSequence;
    int challengeTokenOffset;

    // connection request: the private token (decrypted in place) lives at privateTokenOffset
    long expireTimestamp;
    int privateTokenOffset;

    public PacketType type() {
        return type;
    }

    public long sequence() {
        return sequence;
    }

    /** Where the decrypted body starts in the datagram buffer (the payload, for payload packets). */
    public int bodyOffset() {
        return bodyOffset;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** Why the last read failed; meaningless after a successful read. */
    public DropReason dropReason() {
        return dropReason;
    }

    public int clientIndex() {
        return clientIndex;
    }

    public int maxClients() {
        return maxClients;
    }

    public long challengeSequence() {
        return challengeSequence;
    }

    public int challengeTokenOffset() {
        return challengeTokenOffset;
    }

    public long expireTimestamp() {
        return expireTimestamp;
    }

    public int privateTokenOffset() {
        return privateTokenOffset;
    }
}
