package dev.tributary.core.inference;

import dev.tributary.core.types.ClickHouseType;

import java.util.Objects;

/**
 * One column of a {@link TableProposal}: its name, type and a short reason (what was seen, or that
 * it is a virtual column of the source).
 */
public record ProposedColumn(String name, ClickHouseType type, String reason) {

    public ProposedColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
    }
}
