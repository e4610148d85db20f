package dev.netcode.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.context.ConfigurableApplicationContext;

/** Real HTTP to one application of {@link FleetTestApplication}, as a named user. */
public final class FleetHttp {

    private final HttpClient http = HttpClient.newHttpClient();

    private final int port;

    public FleetHttp(ConfigurableApplicationContext context) {
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** {@code POST /netcode/token} (with {@code query}, for example {@code ?region=eu}) as {@code user}. */
    public HttpResponse<String> token(String user, String query) {
        return send(request("/netcode/token" + query, user).header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** {@code GET path} as {@code user}. */
    public HttpResponse<String> get(String path, String user) {
        return send(request(path, user).GET());
    }

    private HttpRequest.Builder request(String path, String user) {
        String credentials = user + ":" + FleetTestApplication.PASSWORD;
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
            .header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

}
