package dev.tributary.chdb.contract;

import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Runs a {@link BothTargets} test once on ClickHouse 18.16 over HTTP and once on the chDB 26.5 engine,
 * each time with a {@link ContractTarget} for it. The servers are the test kit's shared ones (so the
 * engine's one data path per JVM is the test kit's {@link ChDb}).
 */
final class BothTargetsExtension implements TestTemplateInvocationContextProvider {

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getTestMethod().map(method -> method.isAnnotationPresent(BothTargets.class)).orElse(false);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(
                invocation("ClickHouse 18.16 over HTTP", ctx -> ContractTarget.http(TestServers.server(ClickHouseServer.class, ctx))),
                invocation("chDB 26.5 in-process", ctx -> ContractTarget.embedded(TestServers.server(ChDb.class, ctx))));
    }

    private static TestTemplateInvocationContext invocation(String name, Function<ExtensionContext, ContractTarget> target) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + name + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new ParameterResolver() {
                    @Override
                    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
                        return parameter.getParameter().getType() == ContractTarget.class;
                    }

                    @Override
                    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
                        return target.apply(extension);
                    }
                });
            }
        };
    }
}
