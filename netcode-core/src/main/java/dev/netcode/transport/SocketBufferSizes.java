package dev.netcode.transport;

/**
 * The socket buffer sizes of a {@link UdpTransport}: what it asked the OS for and what the OS
 * granted, as {@code getOption(SO_RCVBUF / SO_SNDBUF)} reports it after binding.
 *
 * <p>The granted figures are the size the OS accepted. Linux clamps a request to
 * {@code net.core.rmem_max} / {@code net.core.wmem_max} without refusing it, so asking for 4 MiB
 * on a stock kernel ({@code rmem_max} 212992) is granted 212992. The kernel then reserves twice
 * that for queued datagrams, as an allowance for its per-datagram bookkeeping (a 1300-byte
 * datagram costs several hundred bytes more than its payload), and its {@code getsockopt} reports the
 * doubled figure; the JDK halves it again on Linux, so {@code getOption} (and these figures) report
 * the size accepted, about as many payload bytes as the buffer really holds. Other systems report
 * the size they accepted.
 *
 * @param requestedBytes the size asked for, for each of the two buffers
 * @param receiveBytes the receive buffer ({@code SO_RCVBUF}) granted
 * @param sendBytes the send buffer ({@code SO_SNDBUF}) granted
 */
public record SocketBufferSizes(int requestedBytes, int receiveBytes, int sendBytes) {
}
