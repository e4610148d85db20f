package dev.netcode.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SecretFile} where the file system has no POSIX permissions (a zip file system,
 * which has only the basic attributes): the bytes are written all the same, with a warning. The
 * owner-only permissions on a POSIX file system are tested through the commands that write key
 * files ({@link TokenCommandTest}, {@link NetcodeCliTest}).
 */
class SecretFileTest {

    @TempDir
    Path dir;

    private final Lines err = new Lines();

    @Test
    void withoutPosixPermissionsAFileIsReplacedWithAWarning() throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("secrets.zip"), Map.of("create", "true"))) {
            Path file = Files.writeString(zip.getPath("/a.token"), "old");
            SecretFile.replace(file, bytes("new"), err.stream());

            assertThat(Files.readString(file)).isEqualTo("new");
            try (var files = Files.list(zip.getPath("/"))) {
                assertThat(files).as("no temporary file left behind").containsExactly(file);
            }
            assertThat(err.lines()).hasSize(1);
            assertThat(err.lines().get(0)).isEqualTo("netcode-cli: warning: /a.token is on a file system without"
                    + " POSIX permissions: it holds keys, so make sure only you can read it");
        }
    }

    @Test
    void withoutPosixPermissionsANewFileIsCreatedWithAWarningButNeverOverwritten() throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(dir.resolve("secrets.zip"), Map.of("create", "true"))) {
            Path file = zip.getPath("/netcode.key");
            SecretFile.createNew(file, bytes("first"), err.stream());
            assertThatExceptionOfType(FileAlreadyExistsException.class)
                    .isThrownBy(() -> SecretFile.createNew(file, bytes("second"), err.stream()));

            assertThat(Files.readString(file)).isEqualTo("first");
            assertThat(err.lines()).hasSize(2).allMatch(line -> line.contains("without POSIX permissions"));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
