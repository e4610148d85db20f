package dev.netcode;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests for {@link NativeLibraries}: a library loads from a private temporary file that is gone afterwards. */
class NativeLibrariesTest {

    @Test
    void theLibraryIsExtractedIntoAnOwnerOnlyFileThatIsGoneOnceLoaded(@TempDir Path dir) throws Exception {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file permissions");
        byte[] library = new byte[100_000];
        new SplittableRandom(3).nextBytes(library);
        List<Path> loaded = new ArrayList<>();

        NativeLibraries.extractAndLoad(new ByteArrayInputStream(library), "netcode_test", dir, file -> {
            try {
                // What System.load would open: the whole library, in a file only this user can read or change.
                assertThat(file.getParent()).isEqualTo(dir);
                assertThat(file.getFileName().toString()).endsWith(System.mapLibraryName("netcode_test"));
                assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                assertThat(Files.readAllBytes(file)).isEqualTo(library);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            loaded.add(file);
        });

        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0)).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theExtractedFileIsDeletedWhenTheLibraryFailsToLoad(@TempDir Path dir) {
        Throwable thrown = catchThrowable(() -> NativeLibraries.extractAndLoad(new ByteArrayInputStream(new byte[64]),
                "netcode_test", dir, file -> {
                    throw new UnsatisfiedLinkError("not a library");
                }));

        assertThat(thrown).isInstanceOf(UnsatisfiedLinkError.class);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aLibraryThisBuildDoesNotCarryIsReportedAsNotFound() {
        assertThatThrownBy(() -> NativeLibraries.load(NativeLibrariesTest.class, "netcode_no_such_library"))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining("netcode_no_such_library");
    }
}
