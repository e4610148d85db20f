/*
 * A load generator on the C reference's client API (netcode 1.02, mas-bandwidth/netcode), for benchmarks/run.sh:
 * CLIENTS netcode_client_t in one process and one thread, each on its own socket (the reference's), all driven by one
 * epoll set. It offers a fixed total rate: payload k is due at start + k / RATE and goes out on client k % CLIENTS,
 * carrying its sequence number k and its send time, so every echo gives an exact round-trip time and duplicates or
 * strangers are recognised. Built by run.sh from this file alone: it includes the reference's netcode.c (and links
 * its vendored libsodium) so that it can reach each client's socket.
 *
 * Every protocol step is the reference's: connecting and keep-alives are netcode_client_update (every client every
 * 50 ms, and at once when its socket is readable while connecting), payloads go out with netcode_client_send_packet,
 * and every datagram received is decrypted, replay-checked and queued by netcode_client_process_packet. Only the
 * reading of a readable socket during the sending phase is the generator's own: one recvmmsg takes what is queued,
 * where netcode_client_update would call recvfrom until it fails (two calls for the one datagram usually waiting)
 * and check every timer. At 64 k pps that took its system calls from 3.5 to 2.5 per echo (perf stat, connecting
 * included), and what it can send on one core against a server that echoes everything from about 89 k to up to
 * 106 k payloads a second (BENCHMARKS.md, runs F to H; as little as 75 k when this VM is slow): its work per
 * datagram is a server's (a send, a receive, a seal and an open), so it must be lean to overload even the C
 * reference on a core of its own. IPv4 only, as the clients bind 0.0.0.0.
 *
 * usage: c_load SERVER CLIENTS RATE SECONDS PAYLOAD_BYTES [SERVER_PID]
 *   SERVER     e.g. 127.0.0.1:40104; tokens are minted here with the examples' private key and protocol id
 *   RATE       payloads per second offered in total (not per client)
 *   SERVER_PID the server's process: its CPU time (utime + stime, /proc/PID/stat) is read when the sending phase
 *              starts and when the drain ends, and printed as server_cpu_s (connecting is not in it)
 * prints one line (times from the start of the sending phase; echoes counted until 1 s after it ends):
 *   load offered_pps=R sent=N send_pps=X echoed=N echoed_pps=Y loss=PCT rtt_p50_ms=A rtt_p99_ms=B connected=C
 *        max_behind_ms=M duplicates=D strangers=S skipped=K unconnected=U load_cpu_s=L [server_cpu_s=X]
 *   load_cpu_s is this process's own CPU time (user + system) over the sending phase and the drain.
 *   A payload the generator reaches more than 5 ms after its due time is skipped (K), so a generator that falls
 *   behind never bursts above the rate; send_pps below offered_pps then means the generator, not the server, limited
 *   the run (max_behind_ms is the latest any payload went out). A payload due on a client that is no longer connected
 *   (U) counts as sent and lost. send_pps and echoed_pps are over the sending phase as it really lasted; loss is
 *   (sent - echoed) / sent. Exit 0 when every client connected, 1 otherwise.
 */
#define _GNU_SOURCE
/* The reference's implementation itself, for its client struct (the socket inside it) and its packet processing. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#include "netcode.c"
#pragma GCC diagnostic pop

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

static uint8_t example_private_key[NETCODE_KEY_BYTES] = {
    0x60, 0x6a, 0xbe, 0x6e, 0xc9, 0x19, 0x10, 0xea, 0x9a, 0x65, 0x62, 0xf6, 0x6f, 0x2b, 0x30, 0xe4,
    0x43, 0x71, 0xd6, 0x2c, 0xd1, 0x99, 0x27, 0x26, 0x6b, 0x3c, 0x60, 0xf4, 0xb7, 0x15, 0xab, 0xa1 };
static const uint64_t EXAMPLE_PROTOCOL_ID = 0x1122334455667788ULL;

enum { MAX_CLIENTS = 1024, CONNECT_TIMEOUT_SECONDS = 10, TOKEN_EXPIRE_SECONDS = 30, TOKEN_TIMEOUT_SECONDS = 5 };
/* Every client's update (keep-alives, timeouts) runs this often; a readable socket gets its own update at once. */
static const double HOUSEKEEPING_SECONDS = 0.05;
static const double DRAIN_SECONDS = 1.0;
/* Payload layout: sequence (8 bytes), send time in ns since the sending phase began (8 bytes), then filler. */
enum { HEADER_BYTES = 16 };
/* A payload the generator reaches later than this after its due time is skipped, not sent: a generator that was held
 * up (descheduled, or slower than the rate) must not make up for it with a burst above the rate it offers. */
static const double LATE_LIMIT_SECONDS = 0.005;

struct load {
    struct netcode_client_t *clients[MAX_CLIENTS];
    int client_count;
    uint64_t total; /* payloads to send */
    uint64_t sent, echoed, duplicates, strangers;
    uint64_t skipped;     /* payloads not sent because the generator reached them too late (LATE_LIMIT_SECONDS) */
    uint64_t unconnected; /* payloads due on a client no longer connected: counted as sent and lost */
    uint8_t *seen;  /* one byte per sequence */
    float *rtt_ms;  /* per echo */
    uint32_t *sent_by_second, *echoed_by_second; /* by the second of the sending phase each payload went out in */
    int timeline_seconds;
    struct timespec phase_start;
    int sending; /* the sending phase and the drain: readable sockets are read with recvmmsg */
};

/* The per-second bucket of a time in ns since the sending phase began; everything late goes into the last. */
static int second_of(const struct load *load, uint64_t ns)
{
    uint64_t second = ns / 1000000000ULL;
    return second < (uint64_t) load->timeline_seconds ? (int) second : load->timeline_seconds - 1;
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double) (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* CPU seconds (user + system) process PID has used so far, -1 when it cannot be read. */
static double process_cpu_seconds(long pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *stat = fopen(path, "r");
    if (stat == NULL) {
        return -1;
    }
    char text[1024];
    size_t length = fread(text, 1, sizeof(text) - 1, stat);
    fclose(stat);
    text[length] = 0;
    char *after_name = strrchr(text, ')'); /* the command name may hold spaces */
    unsigned long utime, stime;
    if (after_name == NULL
        || sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) {
        return -1;
    }
    return (double) (utime + stime) / (double) sysconf(_SC_CLK_TCK);
}

static double own_cpu_seconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Takes every payload the reference has queued for client INDEX and counts it. */
static void take_payloads(struct load *load, int index)
{
    struct netcode_client_t *client = load->clients[index];
    int bytes;
    uint64_t packet_sequence;
    uint8_t *payload;
    while ((payload = netcode_client_receive_packet(client, &bytes, &packet_sequence)) != NULL) {
        uint64_t sequence, sent_ns;
        if (bytes >= HEADER_BYTES) {
            memcpy(&sequence, payload, 8);
            memcpy(&sent_ns, payload + 8, 8);
        }
        if (bytes < HEADER_BYTES || sequence >= load->total) {
            load->strangers++;
        }
        else if (load->seen[sequence]) {
            load->duplicates++;
        }
        else {
            load->seen[sequence] = 1;
            load->echoed_by_second[second_of(load, sent_ns)]++;
            double rtt = seconds_since(&load->phase_start) - sent_ns / 1e9;
            load->rtt_ms[load->echoed++] = (float) (rtt * 1e3);
        }
        netcode_client_free_packet(client, payload);
    }
}

/* The reference's whole client update (receive, timers, keep-alives), then the payloads it received. */
static void update_client(struct load *load, int index, double now)
{
    netcode_client_update(load->clients[index], now);
    take_payloads(load, index);
}

enum { RECEIVE_BATCH = 16 };

/* Reads what client INDEX's socket holds with recvmmsg and hands each datagram to the reference's packet processing
 * (decryption, replay protection, the payload queue), then takes the payloads. */
static void receive_client(struct load *load, int index, double now)
{
    static uint8_t data[RECEIVE_BATCH][NETCODE_MAX_PACKET_BYTES];
    static struct sockaddr_in6 from[RECEIVE_BATCH];
    static struct iovec vectors[RECEIVE_BATCH];
    static struct mmsghdr messages[RECEIVE_BATCH];
    struct netcode_client_t *client = load->clients[index];
    client->time = now;
    int received;
    do {
        for (int i = 0; i < RECEIVE_BATCH; i++) {
            vectors[i] = (struct iovec) { .iov_base = data[i], .iov_len = NETCODE_MAX_PACKET_BYTES };
            messages[i].msg_hdr = (struct msghdr) { .msg_name = &from[i], .msg_namelen = sizeof(from[i]),
                                                    .msg_iov = &vectors[i], .msg_iovlen = 1 };
        }
        received = recvmmsg(client->socket_holder.ipv4.handle, messages, RECEIVE_BATCH, MSG_DONTWAIT, NULL);
        for (int i = 0; i < received; i++) {
            struct netcode_address_t sender;
            if (netcode_sockaddr_to_address((struct sockaddr_storage *) &from[i], &sender) == NETCODE_OK) {
                netcode_client_process_packet(client, &sender, data[i], (int) messages[i].msg_len);
            }
        }
        /* After each batch: the reference's payload queue holds 256 and drops the rest silently. */
        take_payloads(load, index);
    } while (received == RECEIVE_BATCH);
}

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *) a, y = *(const float *) b;
    return x < y ? -1 : x > y;
}

static double percentile(const float *sorted, uint64_t count, double p)
{
    if (count == 0) {
        return 0.0 / 0.0;
    }
    uint64_t rank = (uint64_t) (p * count + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > count) rank = count;
    return sorted[rank - 1];
}

/* Waits for readable client sockets for up to TIMEOUT seconds and updates those clients. */
static void receive_ready(struct load *load, int epoll_fd, double timeout)
{
    struct epoll_event events[256];
    struct timespec wait = { 0, 0 };
    if (timeout > 0) {
        wait.tv_sec = (time_t) timeout;
        wait.tv_nsec = (long) ((timeout - (double) wait.tv_sec) * 1e9);
    }
    int ready = epoll_pwait2(epoll_fd, events, 256, &wait, NULL);
    double at = netcode_time();
    for (int i = 0; i < ready; i++) {
        if (load->sending) {
            receive_client(load, (int) events[i].data.u32, at);
        }
        else {
            update_client(load, (int) events[i].data.u32, at);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: c_load SERVER CLIENTS RATE SECONDS PAYLOAD_BYTES [SERVER_PID]\n");
        return 2;
    }
    const char *server = argv[1];
    int clients = atoi(argv[2]);
    double rate = atof(argv[3]);
    double seconds = atof(argv[4]);
    int payload_bytes = atoi(argv[5]);
    long server_pid = argc == 7 ? atol(argv[6]) : 0;
    if (clients < 1 || clients > MAX_CLIENTS || rate <= 0 || seconds <= 0 || payload_bytes < HEADER_BYTES
        || payload_bytes > NETCODE_MAX_PACKET_SIZE) {
        fprintf(stderr, "c_load: CLIENTS 1..%d, RATE > 0, SECONDS > 0, PAYLOAD_BYTES %d..%d\n", MAX_CLIENTS,
                HEADER_BYTES, NETCODE_MAX_PACKET_SIZE);
        return 2;
    }
    if (netcode_init() != NETCODE_OK) {
        fprintf(stderr, "c_load: netcode_init failed\n");
        return 1;
    }
    netcode_log_level(NETCODE_LOG_LEVEL_NONE);
    prctl(PR_SET_TIMERSLACK, 1000UL); /* wake within ~1 us of the next payload's due time, not the default 50 us */

    static struct load load;
    load.client_count = clients;
    load.total = (uint64_t) (rate * seconds);
    load.seen = calloc(load.total, 1);
    load.rtt_ms = malloc(sizeof(float) * (load.total + 1));
    /* A generator that falls behind sends past SECONDS: the last second counts everything later. */
    load.timeline_seconds = (int) seconds * 4 + 8;
    load.sent_by_second = calloc(load.timeline_seconds, sizeof(uint32_t));
    load.echoed_by_second = calloc(load.timeline_seconds, sizeof(uint32_t));
    if (load.seen == NULL || load.rtt_ms == NULL || load.sent_by_second == NULL || load.echoed_by_second == NULL) {
        fprintf(stderr, "c_load: out of memory for %" PRIu64 " payloads\n", load.total);
        return 1;
    }
    int epoll_fd = epoll_create1(0);
    struct netcode_client_config_t config;
    netcode_default_client_config(&config);
    /* Client ids unique across runs, so a server still holding an earlier run's clients accepts these. */
    struct timespec id_time;
    clock_gettime(CLOCK_REALTIME, &id_time);
    uint64_t id_base = ((uint64_t) id_time.tv_sec << 24) ^ ((uint64_t) getpid() << 12);
    const char *server_addresses[1] = { server };
    uint8_t user_data[NETCODE_USER_DATA_BYTES] = { 0 };
    static uint8_t token[NETCODE_CONNECT_TOKEN_BYTES];
    for (int i = 0; i < clients; i++) {
        struct netcode_client_t *client = netcode_client_create("0.0.0.0", &config, netcode_time());
        if (client == NULL) {
            fprintf(stderr, "c_load: cannot create client %d (error %d)\n", i, netcode_client_create_error());
            return 1;
        }
        load.clients[i] = client;
        int fd = client->socket_holder.ipv4.handle;
        struct epoll_event interest = { .events = EPOLLIN, .data.u32 = (uint32_t) i };
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &interest);
        if (netcode_generate_connect_token(1, server_addresses, server_addresses, TOKEN_EXPIRE_SECONDS,
                TOKEN_TIMEOUT_SECONDS, id_base + (uint64_t) i, EXAMPLE_PROTOCOL_ID, example_private_key, user_data,
                token) != NETCODE_OK) {
            fprintf(stderr, "c_load: cannot mint a connect token for %s\n", server);
            return 1;
        }
        netcode_client_connect(client, token);
    }

    /* Connect phase: every client updated every millisecond, and at once when its socket is readable. */
    double connect_start = netcode_time();
    int connected = 0;
    while (netcode_time() - connect_start < CONNECT_TIMEOUT_SECONDS) {
        connected = 0;
        int pending = 0;
        double now = netcode_time();
        for (int i = 0; i < clients; i++) {
            update_client(&load, i, now);
            int state = netcode_client_state(load.clients[i]);
            connected += state == NETCODE_CLIENT_STATE_CONNECTED;
            pending += state > NETCODE_CLIENT_STATE_DISCONNECTED && state < NETCODE_CLIENT_STATE_CONNECTED;
        }
        if (pending == 0) {
            break;
        }
        receive_ready(&load, epoll_fd, 0.001);
    }
    fprintf(stderr, "c_load: %d/%d clients connected in %.0f ms\n", connected, clients,
            (netcode_time() - connect_start) * 1e3);

    /* Sending phase: payload k due at k / rate; then the drain. */
    uint8_t payload[NETCODE_MAX_PACKET_SIZE];
    for (int i = 0; i < payload_bytes; i++) {
        payload[i] = (uint8_t) i;
    }
    double interval = 1.0 / rate;
    double max_behind = 0.0;
    double next_housekeeping = HOUSEKEEPING_SECONDS;
    double server_cpu_start = server_pid > 0 ? process_cpu_seconds(server_pid) : -1;
    double load_cpu_start = own_cpu_seconds();
    clock_gettime(CLOCK_MONOTONIC, &load.phase_start);
    load.sending = 1;
    uint64_t next = 0;
    for (;;) {
        double now = seconds_since(&load.phase_start);
        if (next >= load.total && now >= seconds) {
            break;
        }
        /* At most 64 payloads in a row, so echoes are read while the generator catches up. */
        for (int burst = 0; burst < 64 && next < load.total && next * interval <= now; burst++, next++) {
            uint64_t sent_ns = (uint64_t) (seconds_since(&load.phase_start) * 1e9);
            double behind = sent_ns / 1e9 - next * interval;
            if (behind > LATE_LIMIT_SECONDS) {
                load.skipped++;
                continue;
            }
            struct netcode_client_t *client = load.clients[next % (uint64_t) clients];
            load.sent++;
            load.sent_by_second[second_of(&load, sent_ns)]++;
            if (netcode_client_state(client) != NETCODE_CLIENT_STATE_CONNECTED) {
                load.unconnected++;
                continue;
            }
            memcpy(payload, &next, 8);
            memcpy(payload + 8, &sent_ns, 8);
            netcode_client_send_packet(client, payload, payload_bytes);
            if (behind > max_behind) {
                max_behind = behind;
            }
        }
        now = seconds_since(&load.phase_start);
        if (now >= next_housekeeping) {
            double at = netcode_time();
            for (int i = 0; i < clients; i++) {
                update_client(&load, i, at);
            }
            next_housekeeping = now + HOUSEKEEPING_SECONDS;
        }
        double until_next = next < load.total ? next * interval - now : seconds - now;
        receive_ready(&load, epoll_fd, until_next > 0 ? until_next : 0);
    }
    /* Longer than SECONDS when the generator fell behind: the rates below are over the time it really took. */
    double send_seconds = seconds_since(&load.phase_start);
    double drain_end = send_seconds + DRAIN_SECONDS;
    while (load.echoed < load.sent && seconds_since(&load.phase_start) < drain_end) {
        receive_ready(&load, epoll_fd, 0.005);
    }
    double server_cpu_end = server_pid > 0 ? process_cpu_seconds(server_pid) : -1;
    double load_cpu = own_cpu_seconds() - load_cpu_start;

    /* Where the losses fell (in a fresh server they are all in its first second or two): to stderr. */
    fprintf(stderr, "c_load: offered %.0f pps; sent/echoed by second of sending:", rate);
    for (int second = 0; second < load.timeline_seconds; second++) {
        if (load.sent_by_second[second] > 0) {
            fprintf(stderr, " %d:%u/%u", second, load.sent_by_second[second], load.echoed_by_second[second]);
        }
    }
    fprintf(stderr, "\n");
    qsort(load.rtt_ms, load.echoed, sizeof(float), compare_floats);
    double loss = load.sent == 0 ? 0.0 : 100.0 * (double) (load.sent - load.echoed) / (double) load.sent;
    printf("load offered_pps=%.0f sent=%" PRIu64 " send_pps=%.1f echoed=%" PRIu64 " echoed_pps=%.1f loss=%.2f "
           "rtt_p50_ms=%.3f rtt_p99_ms=%.3f connected=%d max_behind_ms=%.1f duplicates=%" PRIu64 " strangers=%" PRIu64
           " skipped=%" PRIu64 " unconnected=%" PRIu64 " load_cpu_s=%.2f",
           rate, load.sent, load.sent / send_seconds, load.echoed, load.echoed / send_seconds, loss,
           percentile(load.rtt_ms, load.echoed, 0.50), percentile(load.rtt_ms, load.echoed, 0.99), connected,
           max_behind * 1e3, load.duplicates, load.strangers, load.skipped, load.unconnected, load_cpu);
    if (server_cpu_start >= 0 && server_cpu_end >= 0) {
        printf(" server_cpu_s=%.2f", server_cpu_end - server_cpu_start);
    }
    printf("\n");
    fflush(stdout);
    for (int i = 0; i < clients; i++) {
        netcode_client_disconnect(load.clients[i]);
        netcode_client_destroy(load.clients[i]);
    }
    netcode_term();
    return connected == clients ? 0 : 1;
}
