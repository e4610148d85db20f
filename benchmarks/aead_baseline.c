/*
 * libsodium's own cost for the AEAD calls netcode makes, to set against AeadBenchmark (JMH): the
 * same ChaCha20-Poly1305-IETF seal and open, in place, with 21 bytes of associated data and a
 * sequence nonce; the open copies the sealed packet back first, as the JMH benchmark does.
 * Prints the best of ROUNDS rounds of CALLS calls, in ns per call, for each size given.
 *
 * Built and run by benchmarks/run.sh against the libsodium lazysodium loads (the system's):
 *   cc -O2 -o aead_baseline benchmarks/aead_baseline.c /lib/x86_64-linux-gnu/libsodium.so.23
 *   ./aead_baseline 16 100 300 1200
 * It declares the three functions it uses itself, so it needs libsodium's library, not its headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sodium_init(void);
int crypto_aead_chacha20poly1305_ietf_encrypt(unsigned char *c, unsigned long long *clen_p,
                                              const unsigned char *m, unsigned long long mlen,
                                              const unsigned char *ad, unsigned long long adlen,
                                              const unsigned char *nsec, const unsigned char *npub,
                                              const unsigned char *k);
int crypto_aead_chacha20poly1305_ietf_decrypt(unsigned char *m, unsigned long long *mlen_p,
                                              unsigned char *nsec,
                                              const unsigned char *c, unsigned long long clen,
                                              const unsigned char *ad, unsigned long long adlen,
                                              const unsigned char *npub, const unsigned char *k);

enum { CALLS = 200000, ROUNDS = 7, AD_BYTES = 21, MAC_BYTES = 16, MAX_BYTES = 2048 };

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

/* The netcode sequence nonce: four zero bytes, then the sequence as a little-endian u64. */
static void sequence_nonce(unsigned char nonce[12], unsigned long long sequence) {
    memset(nonce, 0, 4);
    for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (unsigned char) (sequence >> (8 * i));
    }
}

int main(int argc, char **argv) {
    static unsigned char buf[MAX_BYTES + MAC_BYTES], sealed[MAX_BYTES + MAC_BYTES], work[MAX_BYTES + MAC_BYTES];
    unsigned char key[32] = { 1 }, nonce[12], ad[AD_BYTES] = { 0 };
    if (sodium_init() < 0) {
        fprintf(stderr, "libsodium failed to initialise\n");
        return 1;
    }
    for (int a = 1; a < argc; a++) {
        unsigned long long size = strtoull(argv[a], NULL, 10);
        if (size > MAX_BYTES) {
            fprintf(stderr, "size %llu above %d\n", size, MAX_BYTES);
            return 1;
        }
        sequence_nonce(nonce, 42);
        crypto_aead_chacha20poly1305_ietf_encrypt(sealed, NULL, buf, size, ad, AD_BYTES, NULL, nonce, key);
        double best_seal = 1e18, best_open = 1e18;
        unsigned long long sequence = 0;
        for (int round = 0; round < ROUNDS; round++) {
            double start = now_ns();
            for (int i = 0; i < CALLS; i++) {
                sequence_nonce(nonce, sequence++);
                crypto_aead_chacha20poly1305_ietf_encrypt(buf, NULL, buf, size, ad, AD_BYTES, NULL, nonce, key);
            }
            double seal = (now_ns() - start) / CALLS;
            sequence_nonce(nonce, 42);
            start = now_ns();
            for (int i = 0; i < CALLS; i++) {
                memcpy(work, sealed, size + MAC_BYTES);
                if (crypto_aead_chacha20poly1305_ietf_decrypt(work, NULL, NULL, work, size + MAC_BYTES, ad, AD_BYTES,
                                                              nonce, key) != 0) {
                    fprintf(stderr, "open failed\n");
                    return 1;
                }
            }
            double open = (now_ns() - start) / CALLS;
            best_seal = seal < best_seal ? seal : best_seal;
            best_open = open < best_open ? open : best_open;
        }
        printf("libsodium %llu bytes: encrypt %.0f ns, decrypt %.0f ns (best of %d x %d calls)\n", size, best_seal,
               best_open, ROUNDS, CALLS);
    }
    return 0;
}
