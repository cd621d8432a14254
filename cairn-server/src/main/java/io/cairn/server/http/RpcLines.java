package io.cairn.server.http;

import io.cairn.cid.Cid;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Helpers shared by the RPC command handlers: Kubo path arguments and newline-delimited JSON. */
final class RpcLines {
    private RpcLines() {
    }

    /** Every {@code arg}, as CIDs; {@code /ipfs/CID} is accepted as Kubo does, a path below a CID is not. */
    static List<Cid> cidArgs(Fields q, String command, boolean required) {
        List<String> args = Http.params(q, "arg");
        if (required && (args.isEmpty() || args.stream().allMatch(String::isBlank))) {
            throw HttpProblem.badRequest("argument \"ipfs-path\" is required for " + command);
        }
        return args.stream().filter(a -> !a.isBlank()).map(RpcLines::cidOf).toList();
    }

    static Cid cidOf(String arg) {
        String a = arg.strip();
        if (a.startsWith("/ipfs/")) {
            a = a.substring("/ipfs/".length());
        }
        if (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        if (a.contains("/")) {
            throw HttpProblem.badRequest("'" + arg + "' is a path inside a DAG; Cairn resolves no paths, give the CID itself");
        }
        return Cid.parse(a);
    }

    static void send(Response response, List<? extends Map<String, ?>> lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map<String, ?> line : lines) {
            out.write(Http.JSON.writeValueAsBytes(line));
            out.write('\n');
        }
        Http.send(response, 200, "application/json", out.toByteArray(), false);
    }
}
