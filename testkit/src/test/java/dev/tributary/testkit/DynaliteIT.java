package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(TestServers.class)
class DynaliteIT {

    /** What a lease table needs: a table, a conditional put (the lease take), a read after a restart. */
    @Test
    void keepsItemsAcrossARestartAndChecksConditions(Dynalite dynamodb) throws InterruptedException {
        String table = "leases-" + System.nanoTime();
        try (DynamoDbClient client = client(dynamodb)) {
            client.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("leaseKey")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("leaseKey").keyType(KeyType.HASH).build()));
            Await.await("table " + table + " ACTIVE", Duration.ofSeconds(10),
                    () -> client.describeTable(b -> b.tableName(table)).table().tableStatus() == TableStatus.ACTIVE);

            Map<String, AttributeValue> lease = Map.of(
                    "leaseKey", AttributeValue.fromS("shardId-000000000000"),
                    "leaseOwner", AttributeValue.fromS("worker-a"));
            client.putItem(b -> b.tableName(table).item(lease).conditionExpression("attribute_not_exists(leaseKey)"));
            assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(b -> b.tableName(table)
                    .item(lease).conditionExpression("attribute_not_exists(leaseKey)")));

            if (dynamodb.isOwned()) {
                dynamodb.stop();
                dynamodb.start();
            }
            Map<String, AttributeValue> read = client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("leaseKey", AttributeValue.fromS("shardId-000000000000")))).item();
            assertEquals("worker-a", read.get("leaseOwner").s());
        }
    }

    private static DynamoDbClient client(Dynalite dynamodb) {
        return DynamoDbClient.builder()
                .endpointOverride(dynamodb.endpoint())
                .region(Region.of(dynamodb.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(dynamodb.accessKeyId(), dynamodb.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
    }
}
