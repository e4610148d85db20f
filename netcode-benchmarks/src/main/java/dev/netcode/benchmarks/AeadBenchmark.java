package dev.netcode.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.netcode.crypto.Aead;

/**
 * The bare AEAD as packets use it (ChaCha20-Poly1305-IETF, 21 bytes of associated data, sequence
 * nonce), to set against libsodium's own cost measured from C: what {@link Aead} adds on top of
 * libsodium is the JNI crossing and copying the message into native memory and back. Decryption
 * copies the pristine ciphertext first, since it works in place.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AeadBenchmark {

    @Param({ "100", "1200" })
    int messageBytes;

    private final byte[] key = new byte[Aead.KEY_BYTES];
    private final byte[] ad = new byte[21];
    private byte[] buf;
    private byte[] sealed;
    private byte[] work;
    private Aead aead;
    private long sequence;

    @Setup(Level.Trial)
    public void setUp() {
        aead = new Aead();
        key[0] = 1;
        buf = new byte[messageBytes + Aead.MAC_BYTES];
        sealed = new byte[messageBytes + Aead.MAC_BYTES];
        work = new byte[messageBytes + Aead.MAC_BYTES];
        aead.encrypt(sealed, 0, messageBytes, ad, ad.length, 42L, key);
        if (!decrypt()) {
            throw new IllegalStateException("benchmark set-up: decryption failed");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        aead.close();
    }

    @Benchmark
    public byte[] encrypt() {
        aead.encrypt(buf, 0, messageBytes, ad, ad.length, sequence++, key);
        return buf;
    }

    @Benchmark
    public boolean decrypt() {
        System.arraycopy(sealed, 0, work, 0, sealed.length);
        return aead.decrypt(work, 0, sealed.length, ad, ad.length, 42L, key);
    }
}
