package dev.netcode.transport;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.netcode.address.NetcodeAddress;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JNI functions of {@link NativeUdp} called with what a bug could pass them: every call with a
 * buffer, count, slot index, family or length it cannot use must return {@code -EINVAL} (or the
 * kernel's error for a descriptor) and leave memory outside the buffer alone. A crash here would end
 * the test JVM, so a run that finishes is the proof; the assertions pin the error codes.
 */
class NativeUdpTest {

    private static final long SEED = 0x5EED_13L;
    private static final int ROUNDS = 4_000;
    private static final byte CANARY = (byte) 0xA5;

    private NativeUdpTransport receiver;
    private NativeUdpTransport socket;

    @BeforeEach
    void open() {
        Assumptions.assumeTrue(NativeUdp.AVAILABLE, NativeUdp.UNAVAILABILITY_REASON);
        receiver = NativeUdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"), TransportOptions.defaults());
        socket = NativeUdpTransport.bind(NetcodeAddress.parse("127.0.0.1:0"), TransportOptions.defaults());
    }

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close();
            socket.close();
        }
    }

    @Test
    void buffersThatAreNotDirectOrTooSmallAndCountsOutOfRangeAreRefused() {
        int fd = descriptorOf(socket);
        ByteBuffer oneSlot = ByteBuffer.allocateDirect(NativeUdp.SLOT_BYTES);
        assertThat(NativeUdp.receive(fd, null, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, ByteBuffer.allocate(NativeUdp.SLOT_BYTES * 64), 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, oneSlot, 2)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, oneSlot, 0)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, oneSlot, -1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, ByteBuffer.allocateDirect(NativeUdp.SLOT_BYTES * 65), 65)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.receive(fd, oneSlot, 1)).as("nothing waiting").isZero();
        assertThat(NativeUdp.send(fd, 4, oneSlot, 1, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, oneSlot, -1, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, oneSlot, Integer.MAX_VALUE, 64)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 5, slot(oneSlot, 4, 1, receiver.localAddress().port()), 0, 1))
                .isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, ByteBuffer.allocate(NativeUdp.SLOT_BYTES), 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, null, 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        // Bad slot contents: length beyond the payload area, negative, a family that is not 4 or 6, a port out of range.
        int port = receiver.localAddress().port();
        assertThat(NativeUdp.send(fd, 4, slot(oneSlot, 4, NativeUdp.MAX_PAYLOAD_BYTES + 1, port), 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, slot(oneSlot, 4, -1, port), 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, slot(oneSlot, 7, 1, port), 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, slot(oneSlot, 4, 1, 70_000), 0, 1)).isEqualTo(-NativeUdp.EINVAL);
        assertThat(NativeUdp.send(fd, 4, slot(oneSlot, 4, 1, port), 0, 1)).as("a good slot goes").isEqualTo(1);
    }

    @Test
    void badDescriptorsAreTheKernelsToRefuse() {
        ByteBuffer slots = ByteBuffer.allocateDirect(NativeUdp.SLOT_BYTES).order(ByteOrder.nativeOrder());
        assertThat(NativeUdp.receive(-1, slots, 1)).isNegative();
        assertThat(NativeUdp.send(-1, 4, slot(slots, 4, 1, 9), 0, 1)).isNegative();
        assertThat(NativeUdp.wakeup(-1)).isNegative();
        assertThat(NativeUdp.close(-1)).isNegative();
        assertThat(NativeUdp.await(-1, -1, 0)).isZero();
        assertThat(NativeUdp.errorText(NativeUdp.EINVAL)).isNotBlank();
        assertThat(NativeUdp.errorText(-12345)).isNotBlank();
    }

    @Test
    void openRefusesBadAddressesPortsAndResultArrays() {
        int[] results = new int[NativeUdp.OPEN_RESULTS];
        assertThat(NativeUdp.open(null, 0, 65_536, false, results)).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[5], 0, 65_536, false, results)).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[] { 127, 0, 0, 1 }, -1, 65_536, false, results)).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[] { 127, 0, 0, 1 }, 65_536, 65_536, false, results)).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[] { 127, 0, 0, 1 }, 0, 0, false, results)).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[] { 127, 0, 0, 1 }, 0, 65_536, false, new int[4])).isEqualTo(NativeUdp.EINVAL);
        assertThat(NativeUdp.open(new byte[] { 127, 0, 0, 1 }, 0, 65_536, false, null)).isEqualTo(NativeUdp.EINVAL);
        assertThat(results).containsOnly(0);
    }

    /**
     * Random slot counts, first slots, buffer sizes (direct and heap), families, lengths and ports,
     * all at loopback addresses: each call either refuses with -EINVAL or sends and receives within
     * the buffer, and canary bytes just past the slots asked for are never written.
     */
    @Test
    void randomArgumentsNeverTouchMemoryOutsideTheSlotsAskedFor() {
        SplittableRandom random = new SplittableRandom(SEED);
        int fd = descriptorOf(socket);
        int receiverFd = descriptorOf(receiver);
        int port = receiver.localAddress().port();
        int refused = 0;
        int sent = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int slotsInBuffer = random.nextInt(0, 70);
            int extra = random.nextInt(0, NativeUdp.SLOT_BYTES);
            ByteBuffer buffer = random.nextInt(10) == 0 ? ByteBuffer.allocate(slotsInBuffer * NativeUdp.SLOT_BYTES + extra)
                    : ByteBuffer.allocateDirect(slotsInBuffer * NativeUdp.SLOT_BYTES + extra);
            buffer.order(ByteOrder.nativeOrder());
            byte[] canaries = new byte[buffer.capacity()];
            Arrays.fill(canaries, CANARY);
            buffer.put(0, canaries);
            int first = random.nextInt(-3, 70);
            int count = random.nextInt(-3, 70);
            boolean valid = buffer.isDirect() && first >= 0 && count >= 1 && count <= NativeUdp.MAX_BATCH
                    && (long) (first + count) * NativeUdp.SLOT_BYTES <= buffer.capacity();
            if (random.nextBoolean()) {
                for (int s = 0; s < slotsInBuffer; s++) {
                    int family = random.nextInt(5) == 0 ? random.nextInt(-2, 9) : 4;
                    int length = random.nextInt(5) == 0 ? random.nextInt(-5, 3000) : random.nextInt(0, 300);
                    int slotPort = random.nextInt(20) == 0 ? random.nextInt(-5, 70_000) : port;
                    slotAt(buffer, s, family, length, slotPort);
                }
                int result = NativeUdp.send(fd, 4, buffer, first, count);
                if (!valid) {
                    assertThat(result).isEqualTo(-NativeUdp.EINVAL);
                    refused++;
                }
                else {
                    assertThat(result).isLessThanOrEqualTo(count);
                    sent += Math.max(result, 0);
                }
            }
            else {
                int result = NativeUdp.receive(receiverFd, buffer, count);
                boolean validReceive = buffer.isDirect() && count >= 1 && count <= NativeUdp.MAX_BATCH
                        && (long) count * NativeUdp.SLOT_BYTES <= buffer.capacity();
                if (!validReceive) {
                    assertThat(result).isEqualTo(-NativeUdp.EINVAL);
                    refused++;
                }
                else {
                    assertThat(result).isBetween(0, count);
                    for (int s = 0; s < result; s++) {
                        assertThat(buffer.getInt(s * NativeUdp.SLOT_BYTES + NativeUdp.SLOT_LENGTH))
                                .isBetween(0, NativeUdp.MAX_PAYLOAD_BYTES);
                        assertThat(buffer.getInt(s * NativeUdp.SLOT_BYTES + NativeUdp.SLOT_FAMILY)).isEqualTo(4);
                    }
                    // Nothing written past the slots asked for.
                    byte[] after = new byte[buffer.capacity() - count * NativeUdp.SLOT_BYTES];
                    buffer.get(count * NativeUdp.SLOT_BYTES, after);
                    for (byte b : after) {
                        assertThat(b).isEqualTo(CANARY);
                    }
                }
            }
        }
        assertThat(refused).isPositive();
        assertThat(sent).isPositive();
    }

    /** The descriptor of a transport's socket, through the same field the transport hands the JNI functions. */
    private static int descriptorOf(NativeUdpTransport transport) {
        try {
            var field = NativeUdpTransport.class.getDeclaredField("fd");
            field.setAccessible(true);
            return field.getInt(transport);
        }
        catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static ByteBuffer slot(ByteBuffer buffer, int family, int length, int port) {
        buffer.order(ByteOrder.nativeOrder());
        slotAt(buffer, 0, family, length, port);
        return buffer;
    }

    private static void slotAt(ByteBuffer buffer, int index, int family, int length, int port) {
        int slot = index * NativeUdp.SLOT_BYTES;
        buffer.putInt(slot + NativeUdp.SLOT_LENGTH, length);
        buffer.putInt(slot + NativeUdp.SLOT_FAMILY, family);
        buffer.putInt(slot + NativeUdp.SLOT_PORT, port);
        buffer.put(slot + NativeUdp.SLOT_IP, new byte[] { 127, 0, 0, 1 });
        buffer.put(slot + NativeUdp.SLOT_IP + 4, new byte[12]);
    }
}
