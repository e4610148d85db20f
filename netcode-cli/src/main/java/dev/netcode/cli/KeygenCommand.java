package dev.netcode.cli;

import java.io.PrintStream;

import dev.netcode.Bytes;
import dev.netcode.crypto.SecureRandomBytes;

/**
 * {@code keygen}: prints a new random 32-byte private key (libsodium's {@code randombytes_buf}) as
 * 64 lowercase hex digits, the form every other command's {@code --key} reads.
 */
final class KeygenCommand implements Command {

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String summary() {
        return "print a new random 32-byte private key as 64 hex digits";
    }

    @Override
    public String usage() {
        return "usage: netcode-cli keygen\n"
                + "  Prints a new random 32-byte key (64 hex digits) shared by the token minter and the servers.";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) throws UsageException {
        if (args.length > 0) {
            throw new UsageException("keygen takes no arguments, got '" + args[0] + "'");
        }
        out.println(Bytes.toHex(SecureRandomBytes.key()));
        return NetcodeCli.EXIT_OK;
    }
}
