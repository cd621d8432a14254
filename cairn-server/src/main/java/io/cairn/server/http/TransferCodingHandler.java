package io.cairn.server.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.Locale;

/**
 * Refuses a request body sent with a transfer coding other than {@code chunked}
 * ({@code Transfer-Encoding: gzip, chunked}): Jetty removes the chunked framing but leaves the other
 * codings in place, so the handlers would store compressed bytes as if they were the content.
 * RFC 9112 §6.1: a server receiving a transfer coding it does not understand answers 501 and closes.
 */
public final class TransferCodingHandler extends Handler.Wrapper {
    private final boolean kuboErrors;

    public TransferCodingHandler(Handler next, boolean kuboErrors) {
        super(next);
        this.kuboErrors = kuboErrors;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String unsupported = unsupportedCoding(request);
        if (unsupported == null) {
            return super.handle(request, response, callback);
        }
        HttpProblem p = new HttpProblem(501, 1, "Transfer-Encoding '" + unsupported + "' is not supported: "
                + "this server accepts only 'chunked' (send the content uncompressed)");
        try {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            if (kuboErrors) {
                Http.sendKuboError(response, p);
                callback.succeeded();
            } else {
                // the gateway listener's handlers run on the I/O thread: answer without waiting for the client
                Http.sendTextAsync(response, 501, p.getMessage(), "HEAD".equals(request.getMethod()), callback);
            }
        } catch (Throwable t) {
            callback.failed(t);
        }
        return true;
    }

    /** The Transfer-Encoding header's value when it names a coding besides chunked, else null. */
    static String unsupportedCoding(Request request) {
        StringBuilder all = new StringBuilder();
        boolean other = false;
        for (HttpField f : request.getHeaders()) {
            if (f.getHeader() != HttpHeader.TRANSFER_ENCODING) {
                continue;
            }
            for (String coding : f.getValue().split(",")) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (c.isEmpty()) {
                    continue;
                }
                if (!all.isEmpty()) {
                    all.append(", ");
                }
                all.append(c);
                other |= !c.equals("chunked");
            }
        }
        return other ? all.toString() : null;
    }
}
