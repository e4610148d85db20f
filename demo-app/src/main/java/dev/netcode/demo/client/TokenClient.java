package dev.netcode.demo.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import dev.netcode.address.NetcodeAddress;
import dev.netcode.token.ConnectToken;
import dev.netcode.token.InvalidConnectTokenException;

/**
 * Logs in over HTTP and fetches a connect token, as every netcode client does before it sends a
 * single UDP packet: {@code POST {url}/netcode/token} with HTTP Basic, asking for the raw 2048
 * bytes ({@code Accept: application/octet-stream}). The terminal client and the bots both use it,
 * so the bots take exactly the path a real player takes. Thread-safe.
 */
public final class TokenClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final URI tokenUri;

    /** @param baseUrl where the demo runs, for example {@code http://localhost:8080} */
    public TokenClient(URI baseUrl) {
        String base = baseUrl.toString();
        this.tokenUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/netcode/token");
    }

    public URI tokenUri() {
        return tokenUri;
    }

    /**
     * A fresh connect token for {@code user}.
     *
     * @throws RefusedException when the server answers with anything but 200 (401 for a wrong
     *         user or password, 429 when asking too often)
     * @throws IOException when the server cannot be reached ({@link java.net.ConnectException}
     *         somewhere in the causes when nothing listens)
     */
    public byte[] fetch(String user, String password) throws IOException, InterruptedException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenUri)
                .timeout(TIMEOUT)
                .header("Authorization", "Basic " + credentials)
                .header("Accept", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new RefusedException(response.statusCode());
        }
        return response.body();
    }

    /**
     * Where to bind a client's UDP socket to reach the first server {@code token} lists: the
     * loopback address when the server is local (so a local demo never opens a socket on other
     * interfaces), otherwise any address of the server's family (an IPv4 socket cannot reach an
     * IPv6 server).
     */
    public static NetcodeAddress bindAddressFor(byte[] token) throws InvalidConnectTokenException {
        NetcodeAddress server = ConnectToken.read(token).serverAddresses().get(0);
        if (server.toInetAddress().isLoopbackAddress()) {
            return NetcodeAddress.parse(server.isIpv6() ? "[::1]:0" : "127.0.0.1:0");
        }
        return NetcodeAddress.parse(server.isIpv6() ? "[::]:0" : "0.0.0.0:0");
    }

    /** The token endpoint said no; {@link #status()} says why. */
    public static final class RefusedException extends IOException {

        private final int status;

        RefusedException(int status) {
            super("token request refused with HTTP " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
