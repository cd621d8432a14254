package io.cairn.server.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Requires {@code Authorization: Bearer <token>} on every API request except {@code /health}, which
 * load balancers probe without credentials. The comparison is constant-time.
 */
public final class TokenAuthHandler extends Handler.Wrapper {
    private final byte[] expected;

    public TokenAuthHandler(Handler next, String token) {
        super(next);
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if ("/health".equals(request.getHttpURI().getPath())) {
            return super.handle(request, response, callback);
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth == null || !MessageDigest.isEqual(expected, auth.trim().getBytes(StandardCharsets.UTF_8))) {
            HttpProblem p = auth == null
                    ? new HttpProblem(401, 4, "this API requires a bearer token (Authorization: Bearer <token>)")
                    : new HttpProblem(403, 4, "the bearer token is not valid for this API");
            try {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"cairn\"");
                Http.sendKuboError(response, p);
                callback.succeeded();
            } catch (Throwable t) {
                callback.failed(t);
            }
            return true;
        }
        return super.handle(request, response, callback);
    }
}
