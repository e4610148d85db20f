package dev.netcode.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A faster way into libsodium's AEAD functions than JNA: a small JNI library built from this
 * module's own C source ({@code src/main/c/netcode_aead.c}) and shipped inside the jar for the
 * platforms the build could compile it on.
 *
 * <p>JNA's direct mapping passes each call through libffi, which classifies every argument on every
 * call: about 290 ns for the nine arguments of an AEAD function, more than ChaCha20-Poly1305 itself
 * costs on a 100-byte packet. A JNI method with plain {@code long} arguments costs a few
 * nanoseconds. The JNI functions do not link against libsodium: they call the function whose address
 * {@link Sodium} looked up in the libsodium lazysodium loaded, so the crypto is exactly the same.
 *
 * <p>Where the library is missing (a platform the build did not compile it for) or fails to load,
 * {@link #AVAILABLE} is {@code false} and {@link Sodium} calls libsodium through JNA instead. Setting
 * the system property {@value #ENABLED_PROPERTY} to {@code false} forces that, for comparison or as
 * an escape hatch.
 */
final class SodiumJni {

    static final String ENABLED_PROPERTY = "netcode.crypto.jni";

    /** Inside the jar: {@code dev/netcode/crypto/native/<os>-<arch>/<library file>}. */
    static final String RESOURCE = "native/" + platform() + "/" + System.mapLibraryName("netcode_aead");

    private static final Logger log = LoggerFactory.getLogger(SodiumJni.class);

    /** The extracted library's permissions; declared before {@link #AVAILABLE}, whose initialiser uses it. */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Whether the JNI functions below can be called. */
    static final boolean AVAILABLE = load();

    private SodiumJni() {
    }

    /**
     * Calls {@code function}, a libsodium {@code crypto_aead_*_encrypt} in combined mode, as
     * {@code function(c, NULL, m, mlen, ad, adlen, NULL, npub, k)}.
     */
    static native int encrypt(long function, long c, long m, long mlen, long ad, long adlen, long npub, long k);

    /**
     * Calls {@code function}, a libsodium {@code crypto_aead_*_decrypt} in combined mode, as
     * {@code function(m, NULL, NULL, c, clen, ad, adlen, npub, k)}.
     */
    static native int decrypt(long function, long m, long c, long clen, long ad, long adlen, long npub, long k);

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
            log.debug("libsodium is called through JNA: {}=false", ENABLED_PROPERTY);
            return false;
        }
        try (InputStream library = SodiumJni.class.getResourceAsStream(RESOURCE)) {
            if (library == null) {
                log.debug("libsodium is called through JNA: no JNI library for {} in this build", platform());
                return false;
            }
            extractAndLoad(library, Path.of(System.getProperty("java.io.tmpdir")),
                    file -> System.load(file.toAbsolutePath().toString()));
            log.debug("libsodium's AEAD functions are called through JNI ({})", RESOURCE);
            return true;
        }
        catch (IOException | LinkageError | SecurityException ex) {
            log.warn("Could not load netcode's JNI library {} ({}); calling libsodium through JNA instead, "
                    + "which costs about 300 ns more per packet", RESOURCE, ex.toString());
            return false;
        }
    }

    /**
     * System.load needs a file: copies the library into a new file in {@code directory}, hands it to
     * {@code loader} and deletes it, whether or not it loaded. Once loaded, the mapping outlives the
     * file, so nothing is left behind in the temporary directory.
     */
    static void extractAndLoad(InputStream library, Path directory, Consumer<Path> loader) throws IOException {
        Path file = extract(library, directory);
        try {
            loader.accept(file);
        }
        finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * A new file in {@code directory} holding the library, readable and writable by this user only
     * (on a POSIX file system): created with those permissions under a fresh random name and written
     * in place, never replaced by a file of its own (as {@code Files.copy(..., REPLACE_EXISTING)}
     * does, which gets the umask's permissions).
     */
    private static Path extract(InputStream library, Path directory) throws IOException {
        FileAttribute<?>[] ownerOnly = {};
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            ownerOnly = new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY) };
        }
        Path file = Files.createTempFile(directory, "netcode-aead-", "-" + System.mapLibraryName("netcode_aead"),
                ownerOnly);
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            library.transferTo(out);
        }
        catch (IOException | RuntimeException ex) {
            Files.deleteIfExists(file);
            throw ex;
        }
        return file;
    }

    /** {@code linux-amd64}, {@code linux-aarch64}, {@code mac-aarch64}, ...: the build's naming, from the JVM's. */
    private static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String family = os.startsWith("linux") ? "linux"
                : os.startsWith("mac") ? "mac" : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
        return family + "-" + System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    }
}
