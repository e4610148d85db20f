package dev.netcode.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.netcode.Bytes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link NetcodeAddress}: the C test {@code test_address}, the token encoding, and Java-side conversions. */
class NetcodeAddressTest {

    /** The eight 16-bit groups of an IPv6 address, as the reference stores them. */
    private static int[] groups(NetcodeAddress address) {
        byte[] ip = address.ip();
        assertThat(ip).hasSize(16);
        int[] out = new int[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (ip[2 * i] & 0xFF) << 8 | (ip[2 * i + 1] & 0xFF);
        }
        return out;
    }

    private static int[] octets(NetcodeAddress address) {
        byte[] ip = address.ip();
        assertThat(ip).hasSize(4);
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            out[i] = ip[i] & 0xFF;
        }
        return out;
    }

    private static byte[] encode(NetcodeAddress address) {
        byte[] buf = new byte[address.encodedLength()];
        assertThat(address.write(buf, 0)).isEqualTo(buf.length);
        return buf;
    }

    // ---- test_address: malformed input --------------------------------------------------------

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = { "", "[", "[]", "[]:", ":", "1", "12", "123", "1234", "1234.0.12313.0000",
            "1234.0.12313.0000.0.0.0.0.0",
            "1312313:123131:1312313:123131:1312313:123131:1312313:123131:1312313:123131:1312313:123131", ".", "..",
            "...", "....", ".....",
            // ports out of range, empty or not numeric
            "127.0.0.1:65536", "127.0.0.1:99999", "127.0.0.1:", "127.0.0.1:40k", "[::1]:65536", "[::1]:", "[::1]:40k",
            // more of the same kind
            "256.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.-4", "127.0.0.1:-1", "127.0.0.1:4 0", "[::1", "::1]",
            "[::1]x", "[::1]:1:2", "[1.2.3.4]:5", "[fe80::1%eth0]:5", "fe80::1%1", "gggg::1", "1:2:3:4:5:6:7:8:9",
            "localhost", "localhost:40000", "example.com:40000", " ", "127.0.0.1:123456",
            // names made of hex digits and dots are names, not literals, and are never looked up
            "[bad.cafe]:40000", "[abcd]", "[.::1]:5", ".::1", "[ab.cd::1]" })
    void malformedAddressesAreRejected(String text) {
        assertThatThrownBy(() -> NetcodeAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- test_address: valid input ------------------------------------------------------------

    @Test
    void theSocketAddressIsBuiltOnceAndKept() {
        for (String text : new String[] { "127.0.0.1:40000", "[::1]:40000" }) {
            NetcodeAddress address = NetcodeAddress.parse(text);
            InetSocketAddress socketAddress = address.toInetSocketAddress();
            assertThat(socketAddress.getAddress()).isEqualTo(address.toInetAddress());
            assertThat(socketAddress.getPort()).isEqualTo(40000);
            // A transport sends to it packet after packet: the same object, never a new one per send.
            assertThat(address.toInetSocketAddress()).isSameAs(socketAddress);
        }
    }

    @Test
    void ipv4WithAndWithoutPort() {
        NetcodeAddress a = NetcodeAddress.parse("107.77.207.77");
        assertThat(a.type()).isEqualTo(NetcodeAddress.TYPE_IPV4);
        assertThat(a.isIpv6()).isFalse();
        assertThat(a.port()).isZero();
        assertThat(octets(a)).containsExactly(107, 77, 207, 77);

        NetcodeAddress b = NetcodeAddress.parse("127.0.0.1");
        assertThat(b.type()).isEqualTo(NetcodeAddress.TYPE_IPV4);
        assertThat(b.port()).isZero();
        assertThat(octets(b)).containsExactly(127, 0, 0, 1);

        NetcodeAddress c = NetcodeAddress.parse("107.77.207.77:40000");
        assertThat(c.type()).isEqualTo(NetcodeAddress.TYPE_IPV4);
        assertThat(c.port()).isEqualTo(40000);
        assertThat(octets(c)).containsExactly(107, 77, 207, 77);

        NetcodeAddress d = NetcodeAddress.parse("127.0.0.1:40000");
        assertThat(d.type()).isEqualTo(NetcodeAddress.TYPE_IPV4);
        assertThat(d.port()).isEqualTo(40000);
        assertThat(octets(d)).containsExactly(127, 0, 0, 1);

        assertThat(NetcodeAddress.parse("127.0.0.1:65535").port()).isEqualTo(65535);
        assertThat(NetcodeAddress.parse("127.0.0.1:5").port()).isEqualTo(5);
        assertThat(NetcodeAddress.parse("255.255.255.255:0").port()).isZero();
        assertThat(octets(NetcodeAddress.parse("255.255.255.255"))).containsExactly(255, 255, 255, 255);
    }

    @Test
    void ipv6BareBracketedAndWithPort() {
        NetcodeAddress a = NetcodeAddress.parse("fe80::202:b3ff:fe1e:8329");
        assertThat(a.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(a.isIpv6()).isTrue();
        assertThat(a.port()).isZero();
        assertThat(groups(a)).containsExactly(0xfe80, 0, 0, 0, 0x0202, 0xb3ff, 0xfe1e, 0x8329);

        for (String zero : new String[] { "::", "::0", "[::0]" }) {
            NetcodeAddress z = NetcodeAddress.parse(zero);
            assertThat(z.type()).as(zero).isEqualTo(NetcodeAddress.TYPE_IPV6);
            assertThat(z.port()).as(zero).isZero();
            assertThat(groups(z)).as(zero).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        }

        for (String one : new String[] { "::1", "[::1]" }) {
            NetcodeAddress o = NetcodeAddress.parse(one);
            assertThat(o.type()).as(one).isEqualTo(NetcodeAddress.TYPE_IPV6);
            assertThat(o.port()).as(one).isZero();
            assertThat(groups(o)).as(one).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        }

        NetcodeAddress f = NetcodeAddress.parse("[fe80::1]");
        assertThat(f.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(f.port()).isZero();
        assertThat(groups(f)).containsExactly(0xfe80, 0, 0, 0, 0, 0, 0, 1);

        NetcodeAddress b = NetcodeAddress.parse("[fe80::202:b3ff:fe1e:8329]:40000");
        assertThat(b.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(b.port()).isEqualTo(40000);
        assertThat(groups(b)).containsExactly(0xfe80, 0, 0, 0, 0x0202, 0xb3ff, 0xfe1e, 0x8329);

        NetcodeAddress any = NetcodeAddress.parse("[::]:40000");
        assertThat(any.port()).isEqualTo(40000);
        assertThat(groups(any)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);

        NetcodeAddress five = NetcodeAddress.parse("[::1]:5");
        assertThat(five.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(five.port()).isEqualTo(5);
        assertThat(groups(five)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);

        NetcodeAddress fe5 = NetcodeAddress.parse("[fe80::1]:5");
        assertThat(fe5.port()).isEqualTo(5);
        assertThat(groups(fe5)).containsExactly(0xfe80, 0, 0, 0, 0, 0, 0, 1);

        NetcodeAddress loop = NetcodeAddress.parse("[::1]:40000");
        assertThat(loop.port()).isEqualTo(40000);
        assertThat(groups(loop)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);

        NetcodeAddress max = NetcodeAddress.parse("[::1]:65535");
        assertThat(max.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(max.port()).isEqualTo(65535);

        assertThat(groups(NetcodeAddress.parse("[FE80::ABCD]:1"))).containsExactly(0xfe80, 0, 0, 0, 0, 0, 0, 0xabcd);
        assertThat(groups(NetcodeAddress.parse("1:2:3:4:5:6:7:8"))).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    // ---- encoding --------------------------------------------------------------------------------

    @Test
    void encodingOfTheDigestExamples() {
        assertThat(Bytes.toHex(encode(NetcodeAddress.parse("127.0.0.1:40000")))).isEqualTo("017f000001409c");
        assertThat(Bytes.toHex(encode(NetcodeAddress.parse("[::1]:50000"))))
                .isEqualTo("02" + "0000".repeat(7) + "0100" + "50c3");
        assertThat(encode(NetcodeAddress.parse("[::1]:50000"))).hasSize(19);
        byte[] fe80 = encode(NetcodeAddress.parse("[fe80::202:b3ff:fe1e:8329]:40000"));
        assertThat(Bytes.toHex(Arrays.copyOf(fe80, 3))).isEqualTo("0280fe");
    }

    @Test
    void encodingOfTheReadmeIpv6Example() {
        NetcodeAddress address = NetcodeAddress.parse("[2001:db8:85a3::8a2e:370:7334]:50000");
        assertThat(Bytes.toHex(address.ip())).isEqualTo("20010db885a3000000008a2e03707334");
        assertThat(Bytes.toHex(encode(address))).isEqualTo("020120b80da385000000002e8a7003347350c3");
        assertThat(NetcodeAddress.read(encode(address), 0, 19)).isEqualTo(address);
        assertThat(address.encodedLength()).isEqualTo(NetcodeAddress.IPV6_ENCODED_BYTES);
        assertThat(NetcodeAddress.parse("10.20.30.40:40000").encodedLength())
                .isEqualTo(NetcodeAddress.IPV4_ENCODED_BYTES);
        assertThat(Bytes.toHex(encode(NetcodeAddress.parse("10.20.30.40:40000")))).isEqualTo("010a141e28409c");
    }

    @Test
    void writeReturnsTheNextOffsetAndReadStopsAtTheLimit() {
        byte[] buf = new byte[40];
        int p = NetcodeAddress.parse("1.2.3.4:258").write(buf, 3);
        assertThat(p).isEqualTo(10);
        p = NetcodeAddress.parse("[::2]:1").write(buf, p);
        assertThat(p).isEqualTo(29);
        assertThat(Bytes.toHex(Arrays.copyOfRange(buf, 3, 10))).isEqualTo("01010203040201");

        assertThat(NetcodeAddress.read(buf, 3, 40)).isEqualTo(NetcodeAddress.parse("1.2.3.4:258"));
        assertThat(NetcodeAddress.read(buf, 10, 40)).isEqualTo(NetcodeAddress.parse("[::2]:1"));
        assertThat(NetcodeAddress.read(buf, 3, 9)).isNull();
        assertThat(NetcodeAddress.read(buf, 10, 28)).isNull();
        assertThat(NetcodeAddress.read(buf, 40, 40)).isNull();
        buf[3] = 0;
        assertThat(NetcodeAddress.read(buf, 3, 40)).isNull();
        buf[3] = 3;
        assertThat(NetcodeAddress.read(buf, 3, 40)).isNull();
    }

    // ---- Java conversions ------------------------------------------------------------------------

    @Test
    void ipv4MappedAddressesFromSocketsAreNormalisedToIpv4() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 127;
        mapped[15] = 1;
        NetcodeAddress fromBytes = NetcodeAddress.of(mapped, 40000);
        assertThat(fromBytes.type()).isEqualTo(NetcodeAddress.TYPE_IPV4);
        assertThat(fromBytes).isEqualTo(NetcodeAddress.parse("127.0.0.1:40000"));

        Inet6Address v6 = Inet6Address.getByAddress(null, mapped, -1);
        NetcodeAddress fromInet6 = NetcodeAddress.of(new InetSocketAddress(v6, 40000));
        assertThat(fromInet6).isEqualTo(NetcodeAddress.parse("127.0.0.1:40000"));
        assertThat(fromInet6.hashCode()).isEqualTo(NetcodeAddress.parse("127.0.0.1:40000").hashCode());

        NetcodeAddress fromInet4 = NetcodeAddress.of(new InetSocketAddress(InetAddress.getByAddress(
                new byte[] { 127, 0, 0, 1 }), 40000));
        assertThat(fromInet4).isEqualTo(fromBytes);

        // not mapped: a real IPv6 address stays IPv6
        NetcodeAddress loop6 = NetcodeAddress.of(new InetSocketAddress(InetAddress.getByName("::1"), 40000));
        assertThat(loop6.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(loop6).isEqualTo(NetcodeAddress.parse("[::1]:40000"));
    }

    @Test
    void conversionsToJavaSocketAddresses() {
        InetSocketAddress v4 = NetcodeAddress.parse("10.1.2.3:40000").toInetSocketAddress();
        assertThat(v4.getAddress()).isInstanceOf(Inet4Address.class);
        assertThat(v4.getAddress().getAddress()).containsExactly(10, 1, 2, 3);
        assertThat(v4.getPort()).isEqualTo(40000);
        InetSocketAddress v6 = NetcodeAddress.parse("[2001:db8::1]:5").toInetSocketAddress();
        assertThat(v6.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(v6.getPort()).isEqualTo(5);
        assertThat(NetcodeAddress.of(v6)).isEqualTo(NetcodeAddress.parse("[2001:db8::1]:5"));
    }

    @Test
    void unresolvedAndInvalidInputsAreRefused() {
        assertThatThrownBy(() -> NetcodeAddress.of(InetSocketAddress.createUnresolved("example.com", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetcodeAddress.of(new byte[5], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetcodeAddress.of(new byte[4], 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetcodeAddress.of(new byte[4], -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ipReturnsACopy() {
        NetcodeAddress address = NetcodeAddress.parse("1.2.3.4:5");
        address.ip()[0] = 99;
        assertThat(octets(address)).containsExactly(1, 2, 3, 4);
        byte[] source = { 1, 2, 3, 4 };
        NetcodeAddress fromArray = NetcodeAddress.of(source, 5);
        source[0] = 99;
        assertThat(fromArray).isEqualTo(address);
    }

    // ---- text ------------------------------------------------------------------------------------

    @ParameterizedTest(name = "\"{0}\" prints and parses back")
    @ValueSource(strings = { "127.0.0.1:40000", "0.0.0.0:0", "255.255.255.255:65535", "[::1]:50000", "[::]:0",
            "[fe80::202:b3ff:fe1e:8329]:40000", "[2001:db8:85a3::8a2e:370:7334]:50000", "[1:2:3:4:5:6:7:8]:1",
            "[1::8]:2", "[1:0:3:0:0:6:0:8]:3", "[::ffff:0:1]:4", "[0:0:0:0:0:ffff:0:1]:4" })
    void toStringAndParseRoundTrip(String text) {
        NetcodeAddress address = NetcodeAddress.parse(text);
        String printed = address.toString();
        assertThat(NetcodeAddress.parse(printed)).isEqualTo(address);
        assertThat(NetcodeAddress.parse(printed).toString()).isEqualTo(printed);
    }

    @Test
    void toStringUsesTheShortForms() {
        assertThat(NetcodeAddress.parse("127.0.0.1:40000")).hasToString("127.0.0.1:40000");
        assertThat(NetcodeAddress.parse("127.0.0.1")).hasToString("127.0.0.1:0");
        assertThat(NetcodeAddress.parse("[::1]:50000")).hasToString("[::1]:50000");
        assertThat(NetcodeAddress.parse("::")).hasToString("[::]:0");
        assertThat(NetcodeAddress.parse("[fe80:0:0:0:202:b3ff:fe1e:8329]:40000"))
                .hasToString("[fe80::202:b3ff:fe1e:8329]:40000");
        assertThat(NetcodeAddress.parse("[2001:DB8:0:0:1:0:0:1]:1")).hasToString("[2001:db8::1:0:0:1]:1");
        assertThat(NetcodeAddress.parse("[1:0:2:3:4:5:6:7]:1")).hasToString("[1:0:2:3:4:5:6:7]:1");
    }

    @Test
    void anIpv4MappedAddressReadFromATokenStaysIpv6AndStillPrints() {
        // on the wire the type byte says what it is; a token may carry ::ffff:a.b.c.d as type 2
        byte[] wire = new byte[19];
        wire[0] = 2;
        // groups 5 = ffff, 6 = 7f00, 7 = 0001, each little-endian
        wire[1 + 10] = (byte) 0xFF;
        wire[1 + 11] = (byte) 0xFF;
        wire[1 + 12] = 0x00;
        wire[1 + 13] = 0x7F;
        wire[1 + 14] = 0x01;
        wire[1 + 15] = 0x00;
        wire[17] = 0x40;
        wire[18] = (byte) 0x9C;
        NetcodeAddress read = NetcodeAddress.read(wire, 0, 19);
        assertThat(read).isNotNull();
        assertThat(read.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(read.port()).isEqualTo(40000);
        assertThat(Bytes.toHex(read.ip())).isEqualTo("00000000000000000000ffff7f000001");
        assertThat(encode(read)).isEqualTo(wire);
        assertThat(read).isNotEqualTo(NetcodeAddress.parse("127.0.0.1:40000"));
        assertThat(read).hasToString("[::ffff:7f00:1]:40000");
        assertThat(read.toInetSocketAddress().getPort()).isEqualTo(40000);
    }

    // ---- equality --------------------------------------------------------------------------------

    @Test
    void equalityIsTypeBytesAndPort() {
        NetcodeAddress a = NetcodeAddress.parse("10.0.0.1:40000");
        assertThat(a).isEqualTo(NetcodeAddress.parse("10.0.0.1:40000"));
        assertThat(a.hashCode()).isEqualTo(NetcodeAddress.parse("10.0.0.1:40000").hashCode());
        assertThat(a).isEqualTo(NetcodeAddress.of(new byte[] { 10, 0, 0, 1 }, 40000));
        assertThat(a).isNotEqualTo(NetcodeAddress.parse("10.0.0.1:40001"));
        assertThat(a).isNotEqualTo(NetcodeAddress.parse("10.0.0.2:40000"));
        assertThat(a).isNotEqualTo(null);
        assertThat(a).isNotEqualTo("10.0.0.1:40000");
        assertThat(a.withPort(40001)).isEqualTo(NetcodeAddress.parse("10.0.0.1:40001"));
        assertThat(a.withPort(40000)).isEqualTo(a);

        // same bytes in a different family are different addresses
        NetcodeAddress v6 = NetcodeAddress.parse("[::a00:1]:40000");
        assertThat(v6.type()).isEqualTo(NetcodeAddress.TYPE_IPV6);
        assertThat(v6).isNotEqualTo(a);

        // textual variants of one IPv6 address are equal
        assertThat(NetcodeAddress.parse("[fe80::1]:7"))
                .isEqualTo(NetcodeAddress.parse("[FE80:0000:0000:0000:0000:0000:0000:0001]:7"))
                .isEqualTo(NetcodeAddress.parse("[fe80:0:0:0:0:0:0:1]:7"));
        assertThat(NetcodeAddress.parse("[fe80::1]:7").hashCode())
                .isEqualTo(NetcodeAddress.parse("[fe80:0:0:0:0:0:0:1]:7").hashCode());

        // a scope id is not part of the address
        NetcodeAddress scoped = NetcodeAddress.of(new InetSocketAddress(scoped(), 7));
        assertThat(scoped).isEqualTo(NetcodeAddress.parse("[fe80::1]:7"));
    }

    private static InetAddress scoped() {
        try {
            return Inet6Address.getByAddress(null, NetcodeAddress.parse("fe80::1").ip(), 3);
        }
        catch (java.net.UnknownHostException ex) {
            throw new AssertionError(ex);
        }
    }
}
