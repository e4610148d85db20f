package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Writes files that hold keys (a private key, a connect token with its session keys) readable and
 * writable by their owner only ({@code rw-------}) from the moment they exist: the permissions are
 * given to the system call that creates the file, so there is no moment in which a file with the
 * umask's wider permissions holds the bytes, and an existing file is never rewritten in place (it
 * keeps its permissions then) but replaced. On a file system without POSIX permissions the file is
 * written anyway, with a warning on stderr.
 */
final class SecretFile {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFile() {
    }

    /**
     * Creates {@code file}, which must not exist yet (not even as a dangling link), holding {@code bytes}.
     *
     * @throws java.nio.file.FileAlreadyExistsException if it exists
     */
    static void createNew(Path file, byte[] bytes, PrintStream err) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(file, err))) {
            boolean written = false;
            try {
                writeFully(channel, bytes);
                written = true;
            }
            finally {
                if (!written) {
                    // Never leave a truncated key behind: the next run would refuse to overwrite it.
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Writes {@code bytes} to {@code file}, replacing whatever is there: they go into a new file in
     * the same directory that is then renamed over {@code file} in one step, so a reader sees the
     * old file or the whole new one, and a link at {@code file} is replaced, never followed.
     */
    static void replace(Path file, byte[] bytes, PrintStream err) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp",
                ownerOnly(file, err));
        try {
            try (SeekableByteChannel channel = Files.newByteChannel(temporary, StandardOpenOption.WRITE)) {
                writeFully(channel, bytes);
            }
            // A rename(2) on POSIX; file systems whose atomic move refuses an existing target honour REPLACE_EXISTING.
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path file, PrintStream err) {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY) };
        }
        Printer.line(err, "netcode-cli: warning: " + file + " is on a file system without POSIX permissions:"
                + " it holds keys, so make sure only you can read it");
        return new FileAttribute<?>[0];
    }

    private static void writeFully(SeekableByteChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
