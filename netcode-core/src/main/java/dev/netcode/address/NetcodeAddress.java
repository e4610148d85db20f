package dev.netcode.address;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import dev.netcode.Bytes;

/**
 * An IPv4 or IPv6 address with a port, as netcode sees it: the address bytes and the port, no
 * host name, scope id or flow label. Two addresses are equal when type, bytes and port are equal,
 * which is the reference's rule. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}), as a
 * dual-stack socket reports them, are normalised to plain IPv4.
 *
 * <p>In connect tokens an address is encoded as a type byte (1 = IPv4, 2 = IPv6), the address,
 * and the port as a little-endian u16. IPv4 bytes go in dotted order; each of the eight IPv6
 * groups goes little-endian, i.e. byte-swapped relative to network order.
 */
public final class NetcodeAddress {

    public static final int TYPE_IPV4 = 1;
    public static final int TYPE_IPV6 = 2;
    public static final int IPV4_ENCODED_BYTES = 7;
    public static final int IPV6_ENCODED_BYTES = 19;

    private final byte[] ip;
    private final int port;
    private final int hash;
    /**
     * {@link #toInetSocketAddress()}, built on first use and kept: a transport sends to the same
     * address object packet after packet. Immutable, so threads racing to build it are harmless.
     */
    private InetSocketAddress socketAddress;

    private NetcodeAddress(byte[] ip, int port) {
        this.ip = ip;
        this.port = port;
        this.hash = 31 * Arrays.hashCode(ip) + port;
    }

    /** An address from its network-order bytes (4 or 16) and port. */
    public static NetcodeAddress of(byte[] ip, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (ip.length == 16 && isIpv4Mapped(ip)) {
            return new NetcodeAddress(Arrays.copyOfRange(ip, 12, 16), port);
        }
        if (ip.length != 4 && ip.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + ip.length);
        }
        return new NetcodeAddress(ip.clone(), port);
    }

    public static NetcodeAddress of(InetAddress address, int port) {
        return of(address.getAddress(), port);
    }

    public static NetcodeAddress of(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address.getHostString());
        }
        return of(address.getAddress().getAddress(), address.getPort());
    }

    /**
     * Parses {@code a.b.c.d:port}, {@code a.b.c.d}, {@code [v6]:port}, {@code [v6]} or a bare IPv6
     * literal; a missing port means 0. Only literals are accepted: no name is ever resolved.
     *
     * @throws IllegalArgumentException with the reason
     */
    public static NetcodeAddress parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        String host;
        int port = 0;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in address '" + text + "'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after ']' in address '" + text + "'");
                }
                port = parsePort(rest.substring(1), text);
            }
            return of(parseIpv6(host, text), port);
        }
        int colons = (int) s.chars().filter(c -> c == ':').count();
        if (colons > 1) {
            return of(parseIpv6(s, text), 0);
        }
        if (colons == 1) {
            int colon = s.indexOf(':');
            host = s.substring(0, colon);
            port = parsePort(s.substring(colon + 1), text);
        }
        else {
            host = s;
        }
        return of(parseIpv4(host, text), port);
    }

    private static int parsePort(String digits, String text) {
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid port in address '" + text + "'");
        }
        int port = Integer.parseInt(digits);
        if (port > 0xFFFF) {
            throw new IllegalArgumentException("port above 65535 in address '" + text + "'");
        }
        return port;
    }

    private static byte[] parseIpv4(String host, String text) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + text + "'");
        }
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 or IPv6 address: '" + text + "'");
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("IPv4 octet above 255 in address '" + text + "'");
            }
            ip[i] = (byte) value;
        }
        return ip;
    }

    private static byte[] parseIpv6(String host, String text) {
        // Every IPv6 literal has a ':' and starts with a hex digit or ':'. InetAddress parses such a
        // string as a literal and never looks it up; anything else (".::1", "[bad.cafe]") it would
        // hand to the resolver.
        if (host.isEmpty() || host.indexOf(':') < 0
                || (Character.digit(host.charAt(0), 16) < 0 && host.charAt(0) != ':')
                || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
        try {
            return InetAddress.getByName(host).getAddress();
        }
        catch (UnknownHostException ex) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }

    /** 1 for IPv4, 2 for IPv6, as on the wire. */
    public int type() {
        return ip.length == 4 ? TYPE_IPV4 : TYPE_IPV6;
    }

    public boolean isIpv6() {
        return ip.length == 16;
    }

    public int port() {
        return port;
    }

    /** The address bytes in network order (a copy). */
    public byte[] ip() {
        return ip.clone();
    }

    /**
     * Whether {@code other} is on the same host as far as one party can tell: the same IPv4 address,
     * or the same IPv6 /64 (the smallest block a host is normally given, so any of its addresses).
     * Ports are ignored.
     */
    public boolean sameHost(NetcodeAddress other) {
        if (ip.length != other.ip.length) {
            return false;
        }
        int prefix = ip.length == 4 ? 4 : 8;
        return Arrays.equals(ip, 0, prefix, other.ip, 0, prefix);
    }

    public NetcodeAddress withPort(int newPort) {
        if (newPort < 0 || newPort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + newPort);
        }
        return new NetcodeAddress(ip, newPort);
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(ip);
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The socket address, the same object on every call. */
    public InetSocketAddress toInetSocketAddress() {
        InetSocketAddress cached = socketAddress;
        if (cached == null) {
            cached = new InetSocketAddress(toInetAddress(), port);
            socketAddress = cached;
        }
        return cached;
    }

    /** Bytes this address takes in a connect token: 7 for IPv4, 19 for IPv6. */
    public int encodedLength() {
        return isIpv6() ? IPV6_ENCODED_BYTES : IPV4_ENCODED_BYTES;
    }

    /** Writes the token encoding at {@code offset} and returns the offset after it. */
    public int write(byte[] buf, int offset) {
        int p = offset;
        buf[p++] = (byte) type();
        if (isIpv6()) {
            for (int i = 0; i < 16; i += 2) {
                buf[p++] = ip[i + 1];
                buf[p++] = ip[i];
            }
        }
        else {
            System.arraycopy(ip, 0, buf, p, 4);
            p += 4;
        }
        Bytes.writeU16(buf, p, port);
        return p + 2;
    }

    /**
     * Reads a token-encoded address at {@code offset}, or returns {@code null} if the type byte is
     * not 1 or 2 or the buffer ends too early.
     */
    public static NetcodeAddress read(byte[] buf, int offset, int limit) {
        if (offset >= limit) {
            return null;
        }
        int type = buf[offset] & 0xFF;
        if (type == TYPE_IPV4) {
            if (offset + IPV4_ENCODED_BYTES > limit) {
                return null;
            }
            return new NetcodeAddress(Arrays.copyOfRange(buf, offset + 1, offset + 5), Bytes.readU16(buf, offset + 5));
        }
        if (type == TYPE_IPV6) {
            if (offset + IPV6_ENCODED_BYTES > limit) {
                return null;
            }
            byte[] ip = new byte[16];
            for (int i = 0; i < 16; i += 2) {
                ip[i] = buf[offset + 2 + i];
                ip[i + 1] = buf[offset + 1 + i];
            }
            // An IPv4-mapped address written as type 2 stays type 2: the wire says what it is.
            return new NetcodeAddress(ip, Bytes.readU16(buf, offset + 17));
        }
        return null;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof NetcodeAddress that && port == that.port && Arrays.equals(ip, that.ip));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code a.b.c.d:port} or {@code [v6]:port}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        if (!isIpv6()) {
            return (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF) + ":" + port;
        }
        // Formatted from the bytes: InetAddress would turn an IPv4-mapped address (which a token may
        // carry as type 2) into an Inet4Address.
        StringBuilder full = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2) {
            if (i > 0) {
                full.append(':');
            }
            full.append(Integer.toHexString((ip[i] & 0xFF) << 8 | (ip[i + 1] & 0xFF)));
        }
        return "[" + compress(full.toString()) + "]:" + port;
    }

    /** Given every group, shorten the longest run of zero groups to "::". */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength && j - i > 1) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
