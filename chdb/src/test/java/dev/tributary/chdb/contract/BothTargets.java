package dev.tributary.chdb.contract;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that runs twice, once per ClickHouse: 18.16 over HTTP and the chDB 26.5 engine in this process.
 * It takes a {@link ContractTarget} parameter; other test kit servers resolve as usual.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(BothTargetsExtension.class)
public @interface BothTargets {
}
