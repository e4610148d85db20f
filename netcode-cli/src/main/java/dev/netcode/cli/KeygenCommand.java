package dev.netcode.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import dev.netcode.Bytes;
import dev.netcode.crypto.SecureRandomBytes;

/**
 * {@code keygen}: a new random 32-byte private key (libsodium's {@code randombytes_buf}) as 64
 * lowercase hex digits, the form every other command's {@code --key-file}, {@code --key} and
 * {@value Args#KEY_ENVIRONMENT_VARIABLE} read: printed, or with {@code --out} written to a new file
 * that only its owner can read ({@link SecretFile}). An existing file is never overwritten: losing
 * a key in use would invalidate every server and token minter that shares it.
 */
final class KeygenCommand implements Command {

    private static final Set<String> ONCE = Set.of("out");

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "make a new random 32-byte private key (64 hex digits), printed or written to a file";
    }

    @Override
    public String usage() {
        return """
                usage: netcode-cli keygen [--out FILE]
                  Makes a new random 32-byte key (64 hex digits) shared by the token minter and the servers.
                  --out FILE   write it to FILE, a new file created rw------- (an existing file is never
                               overwritten), for the other commands' --key-file; default: print it""";
    }

    @Override
    public int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> environment)
            throws UsageException {
        Args args = Args.parse(argv, ONCE, Set.of());
        String hex = Bytes.toHex(SecureRandomBytes.key());
        if (!args.has("out")) {
            out.println(hex);
            return NetcodeCli.EXIT_OK;
        }
        Path file = Path.of(args.required("out"));
        try {
            SecretFile.createNew(file, (hex + "\n").getBytes(StandardCharsets.US_ASCII), err);
        }
        catch (FileAlreadyExistsException ex) {
            err.println("netcode-cli keygen: " + file + " already exists; keygen never overwrites a key (delete it"
                    + " first if it really is unused)");
            return NetcodeCli.EXIT_FAILURE;
        }
        catch (IOException ex) {
            err.println("netcode-cli keygen: cannot write " + file + ": " + ex);
            return NetcodeCli.EXIT_FAILURE;
        }
        out.println("keygen out=" + file);
        return NetcodeCli.EXIT_OK;
    }
}
