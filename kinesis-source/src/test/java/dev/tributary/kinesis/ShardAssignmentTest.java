package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardAssignmentTest {

    @Test
    void numberedShardsSpreadEvenlyAndEachHasExactlyOneOwner() {
        int[] owned = new int[3];
        for (int n = 0; n < 30; n++) {
            String shard = String.format("shardId-%012d", n);
            List<Integer> owners = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                if (ShardAssignment.instance(i, 3).owns(shard)) {
                    owners.add(i);
                    owned[i]++;
                }
            }
            assertEquals(List.of(n % 3), owners, shard);
        }
        assertEquals(List.of(10, 10, 10), List.of(owned[0], owned[1], owned[2]));
    }

    @Test
    void idsWithoutANumberAreHashed() {
        int owner = ShardAssignment.ownerOf("custom-shard", 4);
        assertEquals(Math.floorMod("custom-shard".hashCode(), 4), owner);
        assertTrue(ShardAssignment.instance(owner, 4).owns("custom-shard"));
        assertTrue(ShardAssignment.all().owns("anything"));
        assertFalse(ShardAssignment.instance(1, 2).owns("shardId-000000000004"));
    }

    @Test
    void refusesImpossibleInstances() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> ShardAssignment.instance(2, 2));
        assertTrue(error.getMessage().contains("instance 2 of 2"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardAssignment.instance(0, 0));
        assertThrows(IllegalArgumentException.class, () -> ShardAssignment.instance(-1, 3));
    }
}
