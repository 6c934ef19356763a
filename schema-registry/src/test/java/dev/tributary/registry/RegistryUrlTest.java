package dev.tributary.registry;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryUrlTest {

    @Test
    void theRootFormNamesNoSchema() {
        RegistryUrl url = RegistryUrl.parse("https://registry.example.com/");
        assertEquals(URI.create("https://registry.example.com"), url.root());
        assertFalse(url.isFixed());
        assertEquals(URI.create("https://registry.example.com/schemas/ids/42"), url.schemaById(42));
        assertEquals(URI.create("http://127.0.0.1:8080/apis/ccompat/v7"), RegistryUrl.parse("http://127.0.0.1:8080/apis/ccompat/v7").root());
    }

    @Test
    void theSchemaIdFormNamesOneSchema() {
        RegistryUrl url = RegistryUrl.parse("https://registry.example.com/apis/ccompat/v7/schemas/ids/1000");
        assertEquals(1000, url.schemaId());
        assertEquals(URI.create("https://registry.example.com/apis/ccompat/v7"), url.root());
        assertTrue(url.isFixed());
    }

    @Test
    void theSubjectFormNamesTheLatestOrAGivenVersion() {
        RegistryUrl latest = RegistryUrl.parse("https://registry.example.com/subjects/events-value");
        assertEquals("events-value", latest.subject());
        assertEquals("latest", latest.version());
        RegistryUrl fourth = RegistryUrl.parse("https://registry.example.com/subjects/my%20events+x/versions/4");
        assertEquals("my events+x", fourth.subject());
        assertEquals("4", fourth.version());
        assertEquals(URI.create("https://registry.example.com/subjects/my%20events%2Bx/versions/4"), fourth.subjectVersion("my events+x", "4"));
        assertEquals("https://registry.example.com/subjects/my%20events%2Bx/versions/4", fourth.toString());
    }

    @Test
    void credentialsInTheUrlAreTakenOutAndNeverPrinted() {
        RegistryUrl url = RegistryUrl.parse("https://key:se%40cret@registry.example.com/subjects/s");
        assertEquals("key:se@cret", url.userInfo());
        assertEquals(URI.create("https://registry.example.com"), url.root());
        assertFalse(url.toString().contains("cret"), url.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse("ftp://key:secret@host"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void malformedUrlsAreRefusedWithTheExpectedForm() {
        assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse(""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse("https://r/schemas/ids/x"))
                .getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse("https://r/subjects/s/versions/0"))
                .getMessage().contains("positive number or 'latest'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse("https://r/subjects/a/b"))
                .getMessage().contains("<root>/subjects/<subject>"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryUrl.parse("https://r/?x=1"))
                .getMessage().contains("no query"));
        assertNull(RegistryUrl.parse("https://r").schemaId());
    }

    @Test
    void anOriginIsSchemeHostAndPortWithTheDefaultPortImplied() {
        URI root = URI.create("https://registry.example.com/apis/ccompat/v7");
        assertTrue(RegistryUrl.sameOrigin(root, URI.create("https://registry.example.com:443/other")));
        assertTrue(RegistryUrl.sameOrigin(root, URI.create("HTTPS://Registry.Example.COM/x")));
        assertTrue(RegistryUrl.sameOrigin(URI.create("http://127.0.0.1/a"), URI.create("http://127.0.0.1:80/b")));
        assertFalse(RegistryUrl.sameOrigin(root, URI.create("https://registry.example.com:8443/apis")), "another port");
        assertFalse(RegistryUrl.sameOrigin(root, URI.create("http://registry.example.com/apis")), "another scheme");
        assertFalse(RegistryUrl.sameOrigin(root, URI.create("https://registry.example.com.evil.test/apis")), "another host");
        assertFalse(RegistryUrl.sameOrigin(URI.create("http://127.0.0.1:8080"), URI.create("http://127.0.0.1:8081")));
        assertEquals("https://registry.example.com", RegistryUrl.origin(root));
        assertEquals("http://127.0.0.1:8080", RegistryUrl.origin(URI.create("http://127.0.0.1:8080/x/y")));
    }

    @Test
    void aRedirectLocationIsResolvedWithoutUserInfoOrFragment() {
        URI current = URI.create("http://127.0.0.1:8080/old/schemas/ids/1");
        assertEquals(URI.create("http://127.0.0.1:8080/new/schemas/ids/1"), RegistryUrl.redirectTarget(current, "/new/schemas/ids/1"));
        assertEquals(URI.create("http://127.0.0.1:8080/old/schemas/ids/2"), RegistryUrl.redirectTarget(current, "2"));
        assertEquals(URI.create("https://other.example.com/x?y=1"),
                RegistryUrl.redirectTarget(current, "https://user:secret@other.example.com/x?y=1#frag"));
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> RegistryUrl.redirectTarget(current, "ftp://user:secret@other.example.com/x"));
        assertTrue(ftp.getMessage().contains("not an http(s) URL") && !ftp.getMessage().contains("secret"), ftp.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RegistryUrl.redirectTarget(current, "http://[::1"))
                .getMessage().contains("not a valid URI"));
    }
}
