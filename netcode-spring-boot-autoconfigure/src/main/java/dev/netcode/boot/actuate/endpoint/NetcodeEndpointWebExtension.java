package dev.netcode.boot.actuate.endpoint;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.util.Assert;

import dev.netcode.boot.actuate.endpoint.NetcodeEndpoint.DisconnectDescriptor;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link NetcodeEndpoint}: over HTTP,
 * a disconnect that changed nothing (the slot is free, holds another client or a loopback
 * client, or the server is not running) answers 409 Conflict, with the descriptor saying why.
 */
@EndpointWebExtension(endpoint = NetcodeEndpoint.class)
public class NetcodeEndpointWebExtension {

    private static final int STATUS_CONFLICT = 409;

    private final NetcodeEndpoint delegate;

    public NetcodeEndpointWebExtension(NetcodeEndpoint delegate) {
        Assert.notNull(delegate, "'delegate' must not be null");
        this.delegate = delegate;
    }

    /**
     * Disconnect network client {@code clientId} from {@code slot}, if it still holds it; see
     * {@link NetcodeEndpoint#disconnect(int, String)}.
     * @param slot the slot index
     * @param clientId the client id as an unsigned decimal number
     * @return 200 with the descriptor when the client was disconnected, else 409 with it
     */
    @DeleteOperation
    public WebEndpointResponse<DisconnectDescriptor> disconnect(@Selector int slot, String clientId) {
        DisconnectDescriptor outcome = this.delegate.disconnect(slot, clientId);
        return new WebEndpointResponse<>(outcome,
                outcome.isDisconnected() ? WebEndpointResponse.STATUS_OK : STATUS_CONFLICT);
    }

}
