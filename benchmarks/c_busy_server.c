/*
 * The C reference (netcode 1.02, mas-bandwidth/netcode) as an echo server at its best, for benchmarks/run.sh:
 * netcode_server_update with the real time in a tight loop, every payload received sent straight back to its client,
 * no 60 Hz sleep (the reference's server.c example sleeps 1/60 s between updates, which sets its latency and
 * batches its work). Built by run.sh against the reference's netcode.c and its vendored libsodium.
 *
 * usage: c_busy_server ADDRESS SECONDS [poll|spin]
 *   ADDRESS  e.g. 127.0.0.1:40104 (256 slots, the examples' private key and protocol id 0x1122334455667788)
 *   SECONDS  stop after this long (0: only on SIGTERM/SIGINT)
 *   poll     (default) when an update brought no payload, wait in poll() on the server's socket for up to 1 ms:
 *            busy while there is traffic, asleep when there is none, so its CPU time is the work it did
 *   spin     never wait: the loop runs flat out and holds a core whatever the traffic (its CPU per packet is then
 *            whatever the scheduler gave it divided by the packets)
 * prints "ready address=... idle=..." once listening, and on exit one line of counters:
 *   counters seconds=S updates=N payloads=N echoed=N idle_waits=N connected=N
 */
#include "netcode.h"

#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

static const uint8_t EXAMPLE_PRIVATE_KEY[NETCODE_KEY_BYTES] = {
    0x60, 0x6a, 0xbe, 0x6e, 0xc9, 0x19, 0x10, 0xea, 0x9a, 0x65, 0x62, 0xf6, 0x6f, 0x2b, 0x30, 0xe4,
    0x43, 0x71, 0xd6, 0x2c, 0xd1, 0x99, 0x27, 0x26, 0x6b, 0x3c, 0x60, 0xf4, 0xb7, 0x15, 0xab, 0xa1 };
static const uint64_t EXAMPLE_PROTOCOL_ID = 0x1122334455667788ULL;

static volatile sig_atomic_t stop_requested = 0;

static void request_stop(int signal_number)
{
    (void) signal_number;
    stop_requested = 1;
}

/* The reference keeps its socket inside the opaque server struct: find the UDP socket bound to PORT among our fds. */
static int find_server_socket(uint16_t port)
{
    for (int fd = 0; fd < 1024; fd++) {
        int type = 0;
        socklen_t type_length = sizeof(type);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_length) != 0 || type != SOCK_DGRAM) {
            continue;
        }
        struct sockaddr_storage bound;
        socklen_t bound_length = sizeof(bound);
        if (getsockname(fd, (struct sockaddr *) &bound, &bound_length) != 0) {
            continue;
        }
        uint16_t bound_port = bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *) &bound)->sin6_port
                                                          : ((struct sockaddr_in *) &bound)->sin_port;
        if (ntohs(bound_port) == port) {
            return fd;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "poll") != 0 && strcmp(argv[3], "spin") != 0)) {
        fprintf(stderr, "usage: c_busy_server ADDRESS SECONDS [poll|spin]\n");
        return 2;
    }
    const char *address = argv[1];
    double seconds = atof(argv[2]);
    int spin = argc == 4 && strcmp(argv[3], "spin") == 0;

    if (netcode_init() != NETCODE_OK) {
        fprintf(stderr, "c_busy_server: netcode_init failed\n");
        return 1;
    }
    netcode_log_level(NETCODE_LOG_LEVEL_NONE);

    struct netcode_address_t parsed;
    if (netcode_parse_address(address, &parsed) != NETCODE_OK || parsed.port == 0) {
        fprintf(stderr, "c_busy_server: not an address with a port: %s\n", address);
        return 2;
    }
    struct netcode_server_config_t config;
    netcode_default_server_config(&config);
    config.protocol_id = EXAMPLE_PROTOCOL_ID;
    memcpy(config.private_key, EXAMPLE_PRIVATE_KEY, NETCODE_KEY_BYTES);

    double start = netcode_time();
    struct netcode_server_t *server = netcode_server_create(address, &config, start);
    if (server == NULL) {
        fprintf(stderr, "c_busy_server: cannot create the server on %s (error %d)\n", address,
                netcode_server_create_error());
        return 1;
    }
    netcode_server_start(server, NETCODE_MAX_CLIENTS);
    int socket_fd = find_server_socket(parsed.port);
    if (!spin && socket_fd < 0) {
        fprintf(stderr, "c_busy_server: cannot find the server's socket for poll(); use spin\n");
        return 1;
    }

    signal(SIGTERM, request_stop);
    signal(SIGINT, request_stop);
    printf("ready address=%s idle=%s\n", address, spin ? "spin" : "poll");
    fflush(stdout);

    uint64_t updates = 0, payloads = 0, echoed = 0, idle_waits = 0;
    double now = start;
    while (!stop_requested && (seconds <= 0 || now - start < seconds)) {
        now = netcode_time();
        netcode_server_update(server, now);
        updates++;
        uint64_t before = payloads;
        for (int slot = 0; slot < NETCODE_MAX_CLIENTS; slot++) {
            int bytes;
            uint64_t sequence;
            uint8_t *payload;
            while ((payload = netcode_server_receive_packet(server, slot, &bytes, &sequence)) != NULL) {
                payloads++;
                if (netcode_server_client_connected(server, slot)) {
                    netcode_server_send_packet(server, slot, payload, bytes);
                    echoed++;
                }
                netcode_server_free_packet(server, payload);
            }
        }
        if (!spin && payloads == before) {
            struct pollfd readable = { .fd = socket_fd, .events = POLLIN };
            poll(&readable, 1, 1);
            idle_waits++;
        }
    }

    printf("counters seconds=%.3f updates=%llu payloads=%llu echoed=%llu idle_waits=%llu connected=%d\n", now - start,
           (unsigned long long) updates, (unsigned long long) payloads, (unsigned long long) echoed,
           (unsigned long long) idle_waits, netcode_server_num_connected_clients(server));
    fflush(stdout);
    netcode_server_destroy(server);
    netcode_term();
    return 0;
}
