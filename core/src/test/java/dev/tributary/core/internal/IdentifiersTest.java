package dev.tributary.core.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IdentifiersTest {

    @Test
    void quotesNamesSoThatNothingEscapesTheQuotes() {
        assertEquals("`events`", Identifiers.quote("events"));
        assertEquals("`we\\`ird \\\\ na'me`", Identifiers.quote("we`ird \\ na'me"));
        assertEquals("`db`.`t t`", Identifiers.qualified("db", "t t"));
        assertEquals("`événements`", Identifiers.quote("événements"));
    }

    @Test
    void quotesLiterals() {
        assertEquals("'it\\'s'", Identifiers.literal("it's"));
        assertEquals("'a\\\\b\\nc'", Identifiers.literal("a\\b\nc"));
    }
}
