package io.cairn.server.gateway;

/**
 * A failure the gateway answers with a definite status: every client error the gateway detects is
 * one of these, so that {@link GatewayErrors} can tell them apart from internal bugs (which are 500s).
 */
public final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of gateway errors and their HTTP status codes, in one place. */
    public enum Kind {
        BAD_REQUEST(400),
        NOT_FOUND(404),
        METHOD_NOT_ALLOWED(405),
        NOT_ACCEPTABLE(406),
        PRECONDITION_FAILED(412),
        RANGE_NOT_SATISFIABLE(416),
        /** A stored block that does not decode as its codec says: the data is bad, not the request. */
        BAD_GATEWAY_DATA(502),
        /** A site's _redirects file that cannot be read or parsed: web-redirects-file asks for a 500. */
        INVALID_REDIRECTS(500);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public GatewayException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static GatewayException badRequest(String message) {
        return new GatewayException(Kind.BAD_REQUEST, message);
    }

    public static GatewayException notFound(String message) {
        return new GatewayException(Kind.NOT_FOUND, message);
    }

    public static GatewayException notAcceptable(String message) {
        return new GatewayException(Kind.NOT_ACCEPTABLE, message);
    }
}
