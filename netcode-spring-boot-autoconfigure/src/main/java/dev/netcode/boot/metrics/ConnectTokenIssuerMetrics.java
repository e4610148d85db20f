package dev.netcode.boot.metrics;

import java.util.List;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.util.Assert;

import dev.netcode.boot.token.ConnectTokenIssuer;

/**
 * {@link MeterBinder} for a {@link ConnectTokenIssuer}: function counter
 * {@code netcode.tokens.issued}.
 */
public class ConnectTokenIssuerMetrics implements MeterBinder {

    private final ConnectTokenIssuer issuer;

    private final Iterable<Tag> tags;

    public ConnectTokenIssuerMetrics(ConnectTokenIssuer issuer) {
        this(issuer, null);
    }

    /**
     * Create a binder for {@code issuer}.
     * @param issuer the issuer to observe
     * @param tags tags to add to every meter, or {@code null}
     */
    public ConnectTokenIssuerMetrics(ConnectTokenIssuer issuer, @Nullable Iterable<Tag> tags) {
        Assert.notNull(issuer, "'issuer' must not be null");
        this.issuer = issuer;
        this.tags = (tags != null) ? tags : List.of();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("netcode.tokens.issued", this.issuer, ConnectTokenIssuer::issuedCount)
            .description("Connect tokens issued")
            .baseUnit("tokens")
            .tags(this.tags)
            .register(registry);
    }

}
