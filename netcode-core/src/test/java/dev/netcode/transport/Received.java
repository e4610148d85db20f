package dev.netcode.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.netcode.address.NetcodeAddress;

/** A datagram a transport test received: who sent it and a copy of its bytes, compared by value. */
record Received(NetcodeAddress from, byte[] data) {

    @Override
    public boolean equals(Object other) {
        return other instanceof Received that && from.equals(that.from) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * from.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return from + " " + new String(data, StandardCharsets.ISO_8859_1);
    }
}
