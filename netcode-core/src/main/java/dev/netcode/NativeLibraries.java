package dev.netcode;

import java.io.FileNotFoundException;
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

/**
 * Loads the JNI libraries this module's build compiles from {@code src/main/c} and ships inside the
 * jar, next to the class that declares their native methods:
 * {@code <package of that class>/native/<os>-<arch>/<library file>}. Not an API: public only so
 * that the classes of other packages that bind a library can reach it.
 */
public final class NativeLibraries {

    /** The extracted library's permissions. */
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private NativeLibraries() {
    }

    /** The resource, relative to its owner class, holding library {@code name} for this platform. */
    public static String resource(String name) {
        return "native/" + platform() + "/" + System.mapLibraryName(name);
    }

    /**
     * Loads library {@code name} shipped next to {@code owner} for this platform.
     *
     * @throws FileNotFoundException if this build carries no such library for the platform
     * @throws IOException if it cannot be extracted
     * @throws LinkageError if it does not load
     */
    public static void load(Class<?> owner, String name) throws IOException {
        String resource = resource(name);
        try (InputStream library = owner.getResourceAsStream(resource)) {
            if (library == null) {
                throw new FileNotFoundException("no " + resource + " next to " + owner.getName() + " in this build");
            }
            extractAndLoad(library, name, Path.of(System.getProperty("java.io.tmpdir")),
                    file -> System.load(file.toAbsolutePath().toString()));
        }
    }

    /**
     * System.load needs a file: copies the library into a new file in {@code directory}, hands it to
     * {@code loader} and deletes it, whether or not it loaded. Once loaded, the mapping outlives the
     * file, so nothing is left behind in the temporary directory.
     */
    public static void extractAndLoad(InputStream library, String name, Path directory, Consumer<Path> loader)
            throws IOException {
        Path file = extract(library, name, directory);
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
    private static Path extract(InputStream library, String name, Path directory) throws IOException {
        FileAttribute<?>[] ownerOnly = {};
        if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            ownerOnly = new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY) };
        }
        Path file = Files.createTempFile(directory, "netcode-", "-" + System.mapLibraryName(name), ownerOnly);
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
    public static String platform() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String family = os.startsWith("linux") ? "linux"
                : os.startsWith("mac") ? "mac" : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
        return family + "-" + System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
    }
}
