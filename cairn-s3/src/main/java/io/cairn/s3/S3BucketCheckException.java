package io.cairn.s3;

import io.cairn.blockstore.BlockstoreException;

import java.io.Serial;

/** The bucket cannot be used: what is wrong is {@link #problem()}, the message says it for an operator. */
public final class S3BucketCheckException extends BlockstoreException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** What the start-up check found. */
    public enum Problem { UNREACHABLE, NO_SUCH_BUCKET, ACCESS_DENIED, NO_CREDENTIALS, WRONG_REGION, OTHER }

    private final Problem problem;

    public S3BucketCheckException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
