package io.cairn.server.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** The API port's last resort: a Kubo-style 404 for any path no other handler took. */
public final class NotFoundHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            Http.sendKuboError(response, new HttpProblem(404, 1, "404 page not found: " + request.getHttpURI().getPath()
                    + " (commands are under /api/v0/; admin: /metrics, /health, /debug/memory)"));
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
        return true;
    }
}
