package dev.tributary.kinesis;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifies failures of Kinesis calls. */
final class KinesisErrors {

    private KinesisErrors() {
    }

    /** The failure itself, without the wrappers of futures. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Kinesis asks the caller to slow down: expected under load, retried after a backoff. */
    static boolean isThrottling(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof ProvisionedThroughputExceededException
                || cause instanceof LimitExceededException
                || cause instanceof KmsThrottlingException
                || (cause instanceof AwsServiceException service && service.isThrottlingException());
    }

    static boolean isExpiredIterator(Throwable error) {
        return unwrap(error) instanceof ExpiredIteratorException;
    }

    /**
     * A failure that retrying will not fix while the configuration stays the same: the stream does
     * not exist, or the credentials are refused. Used at start, where such failures end {@code open}.
     */
    static boolean isPermanent(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ResourceNotFoundException) {
            return true;
        }
        if (cause instanceof AwsServiceException service) {
            int status = service.statusCode();
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return status == 401 || status == 403 || (code != null && (code.contains("AccessDenied")
                    || code.equals("UnrecognizedClientException") || code.equals("InvalidSignatureException")
                    || code.equals("ExpiredTokenException") || code.equals("InvalidArgumentException")));
        }
        return false;
    }

    /** A short description for logs and messages: the exception's type and message. */
    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
