package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerDescription;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * The enhanced fan-out consumer of a stream: registered ({@code RegisterStreamConsumer}) if it does
 * not exist, then awaited until ACTIVE. It is left registered when the source closes, so that the
 * next start (or another instance) reuses it; deregister it with the AWS CLI when the application
 * is retired.
 */
final class FanOutConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutConsumer.class);

    private FanOutConsumer() {
    }

    /**
     * The ARN of the active consumer {@code name} of {@code streamArn}, registering it if needed.
     *
     * @param deadlineNanos when to give up waiting for it to become ACTIVE ({@link System#nanoTime()})
     */
    static String ensureActive(KinesisClient kinesis, String streamArn, String name, long deadlineNanos)
            throws InterruptedException {
        ConsumerDescription description = describe(kinesis, streamArn, name);
        if (description == null) {
            try {
                Consumer registered = kinesis.registerStreamConsumer(request -> request.streamARN(streamArn).consumerName(name))
                        .consumer();
                LOG.info("registered enhanced fan-out consumer {} of stream {}", name, streamArn);
                if (registered.consumerStatus() == ConsumerStatus.ACTIVE) {
                    return registered.consumerARN();
                }
            } catch (ResourceInUseException e) {
                // Another instance registered it at the same time.
            }
        }
        while (true) {
            description = describe(kinesis, streamArn, name);
            if (description != null && description.consumerStatus() == ConsumerStatus.ACTIVE) {
                return description.consumerARN();
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("enhanced fan-out consumer " + name + " of stream " + streamArn
                        + " is not ACTIVE (" + (description == null ? "not found" : description.consumerStatus())
                        + ") within the startup timeout; if it is DELETING, wait and start again");
            }
            Thread.sleep(200);
        }
    }

    private static ConsumerDescription describe(KinesisClient kinesis, String streamArn, String name) {
        try {
            return kinesis.describeStreamConsumer(request -> request.streamARN(streamArn).consumerName(name)).consumerDescription();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }
}
