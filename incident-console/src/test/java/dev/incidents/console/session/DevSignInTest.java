package dev.incidents.console.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The development sign-in mints any tenant's token: it answers callers on this machine only. */
class DevSignInTest {

    @Test
    void onlyLoopbackCallers_mayUseIt() throws Exception {
        assertTrue(DevSignIn.allowedFrom(InetAddress.getByName("127.0.0.1")));
        assertTrue(DevSignIn.allowedFrom(InetAddress.getByName("::1")));
        assertFalse(DevSignIn.allowedFrom(InetAddress.getByName("10.0.0.7")));
        assertFalse(DevSignIn.allowedFrom(InetAddress.getByName("192.168.1.20")));
        assertFalse(DevSignIn.allowedFrom(InetAddress.getByName("2001:db8::1")));
        assertFalse(DevSignIn.allowedFrom(null));
    }
}
