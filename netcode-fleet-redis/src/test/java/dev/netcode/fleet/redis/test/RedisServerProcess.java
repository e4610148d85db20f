package dev.netcode.fleet.redis.test;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} for tests: its own process on a free 127.0.0.1 port, nothing saved to
 * disk, killed by {@link #close}. Without the binary a test is skipped with a message saying so,
 * except under {@code CI=true}, where it fails: CI installs Redis ({@code .ci/run}).
 *
 * <p>{@link #command} speaks RESP over a plain socket, so tests can read and corrupt what the
 * directory stored without any client library.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String[] SEARCH_PATH = { "/usr/bin/redis-server", "/usr/local/bin/redis-server",
        "/opt/homebrew/bin/redis-server" };

    private final Path binary;
    private final int port;
    private Process process;

    private RedisServerProcess(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts one on a free loopback port, or skips (fails under CI) when redis-server is not installed. */
    public static RedisServerProcess start() {
        Path binary = findBinary();
        if (binary == null) {
            String message = "redis-server is not installed (looked on PATH and in /usr/bin, /usr/local/bin): "
                    + "install it (Debian: apt-get install redis-server) to run the fleet's Redis tests";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + "; under CI=true they must run");
            }
            Assumptions.abort(message);
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            RedisServerProcess redis = new RedisServerProcess(binary, freePort());
            try {
                redis.launch();
                return redis;
            }
            catch (IllegalStateException ex) {
                // Another process took the port between our probe and redis-server's bind.
                redis.close();
                last = ex;
            }
        }
        throw last;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    /** Kills it (SIGKILL: nothing is saved anyway) and waits until it is gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Kills it and starts a fresh, empty one on the same port: a Redis restart as clients see it. */
    public void restart() {
        kill();
        launch();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Sends one command and returns its reply: a {@link String} for simple and bulk strings,
     * {@link Long} for integers, {@link List} for arrays, {@code null} for nil.
     *
     * @throws IllegalStateException with Redis' message for an error reply
     */
    public Object command(String... arguments) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
            for (String argument : arguments) {
                request.append('$').append(argument.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                    .append(argument).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Redis on port " + port + " did not answer", ex);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no",
                "--loglevel", "warning")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            process = builder.start();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("could not start " + binary, ex);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start on port " + port + " (exit "
                        + process.exitValue() + ")");
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            }
            catch (UncheckedIOException | IllegalStateException notYet) {
                // still starting
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 10 s");
    }

    private static Object readReply(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: " + (char) type + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\r'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
            line.append((char) b);
        }
        in.read();
        return line.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Path findBinary() {
        String path = System.getenv("PATH");
        List<String> candidates = new ArrayList<>();
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                candidates.add(dir + File.separator + "redis-server");
            }
        }
        candidates.addAll(List.of(SEARCH_PATH));
        for (String candidate : candidates) {
            Path binary = Path.of(candidate);
            if (Files.isExecutable(binary)) {
                return binary;
            }
        }
        return null;
    }
}
