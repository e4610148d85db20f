package dev.netcode.boot.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

import dev.netcode.client.ClientState;

import static org.assertj.core.api.Assertions.assertThat;

/** A test that dirties its context still has its clients closed, not left running against a closed server. */
@SpringBootTest(classes = EchoGame.class)
@AutoConfigureNetcodeTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetcodeTestClientsDirtiesContextTests {

    private static NetcodeTestClient fromTheFirstTest;

    @Autowired
    NetcodeTestClients clients;

    @Test
    @Order(1)
    void connects() {
        fromTheFirstTest = clients.connect(42);
        assertThat(fromTheFirstTest.state()).isEqualTo(ClientState.CONNECTED);
    }

    @Test
    @Order(2)
    void theClientOfTheDirtiedContextWasClosed() {
        assertThat(fromTheFirstTest.state()).isEqualTo(ClientState.DISCONNECTED);
        assertThat(clients.clients()).isEmpty();
    }
}
