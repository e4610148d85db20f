package dev.netcode.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.netcode.Bytes;
import dev.netcode.crypto.SecureRandomBytes;

/**
 * The {@code server} command running in-process on a thread of its own, bound to 127.0.0.1 with
 * port 0; {@link #stop} interrupts that thread, which ends the command as a shutdown would. It
 * gets its key as an operator should give it, from the environment ({@code NETCODE_PRIVATE_KEY}),
 * not on the command line.
 */
final class EchoServerProcess implements AutoCloseable {

    static final String PROTOCOL = "0x1122334455667788";

    final String key;
    final Lines out = new Lines();
    final Lines err = new Lines();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Thread thread;
    final String address;

    EchoServerProcess(int maxClients, int seconds, String... extraArgs) throws InterruptedException {
        this(Bytes.toHex(SecureRandomBytes.key()), maxClients, seconds, extraArgs);
    }

    /** A server with {@code key}: servers of one fleet share the key their tokens are minted with. */
    EchoServerProcess(String key, int maxClients, int seconds, String... extraArgs) throws InterruptedException {
        this.key = key;
        String[] args = Stream.concat(Stream.of("server", "--bind", "127.0.0.1:0", "--protocol", PROTOCOL,
                "--max-clients", String.valueOf(maxClients), "--seconds", String.valueOf(seconds)), Stream.of(extraArgs))
                .toArray(String[]::new);
        Map<String, String> environment = Map.of("NETCODE_PRIVATE_KEY", key);
        thread = new Thread(() -> {
            try {
                exit.complete(NetcodeCli.run(args, out.stream(), err.stream(), environment));
            }
            catch (Throwable ex) {
                exit.completeExceptionally(ex);
            }
        }, "echo-server-under-test");
        thread.setDaemon(true);
        thread.start();
        String listening = out.await(line -> line.startsWith("listening addr="), Duration.ofSeconds(10));
        address = field(listening, "addr");
    }

    /** The value of {@code name=} on a {@code key=value} output line such as {@code listening addr=A rcvbuf=N}. */
    static String field(String line, String name) {
        for (String token : line.split(" ")) {
            if (token.startsWith(name + "=")) {
                return token.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + "= in: " + line);
    }

    int port() {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** Ends the server early, as SIGINT would, and returns its exit code. */
    int stop() throws InterruptedException, ExecutionException, TimeoutException {
        thread.interrupt();
        return exit.get(15, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (exit.isDone()) {
            return;
        }
        try {
            stop();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("the echo server did not stop cleanly", ex);
        }
    }
}
