package io.cairn.ipns;

/** An IPNS record (or name) that is malformed, badly signed, expired or for another name; the message says which. */
public final class InvalidIpnsRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidIpnsRecordException(String message) {
        super(message, null, false, false);
    }

    public InvalidIpnsRecordException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
