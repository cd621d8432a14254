package io.cairn.server.http;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;

/**
 * Jetty's error page (for what fails outside Cairn's handlers: a failed callback, a request Jetty
 * itself refuses) with the request id kept: Jetty resets the response's headers before writing it,
 * so the id is put back here. A 5xx page names only the id — the cause is in the log, under that id,
 * and its message may hold server-side detail such as a filesystem path.
 */
public final class CairnErrorHandler extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        Object id = request.getAttribute(RequestIdHandler.ID_ATTRIBUTE);
        if (id != null) {
            response.getHeaders().put(RequestContext.HEADER, id.toString());
        }
        if (code >= 500) {
            super.generateResponse(request, response, code,
                    "internal error" + (id == null ? "" : " (request id " + id + ")"), null, callback);
        } else {
            super.generateResponse(request, response, code, message, cause, callback);
        }
    }
}
