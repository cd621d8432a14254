package io.cairn.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outermost handler of each listener: gives every request an id, sent in the
 * {@value RequestContext#HEADER} response header and named in every server-error body, and makes
 * sure that every 5xx answer is logged exactly once with that id — by {@link Errors} when a handler
 * mapped a failure, here when the answer came from elsewhere (a failed callback, Jetty's own 5xx).
 *
 * <p>Ids are a per-process random prefix and a counter ({@code 3f9a1c-1b}): unique within a
 * process, distinguishable across restarts, and cheap.
 */
public final class RequestIdHandler extends Handler.Wrapper {
    /** The request attribute holding the id, for {@link CairnErrorHandler}. */
    static final String ID_ATTRIBUTE = "io.cairn.requestId";

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    public RequestIdHandler(Handler next) {
        super(next);
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        this.prefix = HexFormat.of().formatHex(r);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String id = prefix + "-" + Long.toString(counter.incrementAndGet(), 36);
        RequestContext context = new RequestContext(id, request.getMethod(), request.getHttpURI().getPath(),
                new AtomicBoolean());
        response.getHeaders().put(RequestContext.HEADER, id);
        request.setAttribute(ID_ATTRIBUTE, id);
        Callback logging = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                if (response.getStatus() >= 500 && context.claimLog()) {
                    ServerErrorLog.answered(context, response.getStatus());
                }
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                if (context.claimLog()) {
                    ServerErrorLog.failed(context, response.isCommitted(), x);
                }
                super.failed(x);
            }
        };
        return ScopedValue.where(RequestContext.CURRENT, context)
                .call(() -> super.handle(request, response, logging));
    }
}
