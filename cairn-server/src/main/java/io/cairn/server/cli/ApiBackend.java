package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Talks to a running server's Kubo RPC API. Uploads stream from the file; nothing is buffered whole. */
final class ApiBackend implements Backend {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI api;
    private final String token;
    private final HttpClient http;

    ApiBackend(URI api, String token) {
        this.api = api;
        this.token = token == null || token.isBlank() ? null : token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public Stored put(Path file, PutOptions o) throws Exception {
        o.encoding(); // refuse bad options before uploading anything
        StringBuilder q = new StringBuilder();
        add(q, "cid-codec", o.cidCodec());
        add(q, "mhtype", o.mhtype());
        if (o.mhlen() != -1) {
            add(q, "mhlen", Integer.toString(o.mhlen()));
        }
        add(q, "format", o.format());
        if (o.allowBigBlock()) {
            add(q, "allow-big-block", "true");
        }
        HttpResponse<InputStream> r = post("block/put", q.toString(), multipart(file, null));
        JsonNode line = JSON.readTree(readOk(r));
        return new Stored(line.path("Key").asText(), line.path("Size").asLong());
    }

    @Override
    public void get(String cid, OutputStream out) throws Exception {
        HttpResponse<InputStream> r = post("block/get", "arg=" + enc(cid), HttpRequest.BodyPublishers.noBody());
        ensureOk(r);
        try (InputStream in = r.body()) {
            in.transferTo(out);
        }
        out.flush();
    }

    @Override
    public Stored stat(String cid) throws Exception {
        HttpResponse<InputStream> r = post("block/stat", "arg=" + enc(cid), HttpRequest.BodyPublishers.noBody());
        JsonNode line = JSON.readTree(readOk(r));
        return new Stored(line.path("Key").asText(), line.path("Size").asLong());
    }

    @Override
    public List<Removed> rm(List<String> cids, boolean force) throws Exception {
        StringBuilder q = new StringBuilder();
        for (String c : cids) {
            add(q, "arg", c);
        }
        add(q, "force", Boolean.toString(force));
        HttpResponse<InputStream> r = post("block/rm", q.toString(), HttpRequest.BodyPublishers.noBody());
        List<Removed> out = new ArrayList<>();
        for (String line : readOk(r).split("\n")) {
            if (!line.isBlank()) {
                JsonNode n = JSON.readTree(line);
                out.add(new Removed(n.path("Hash").asText(), n.hasNonNull("Error") ? n.get("Error").asText() : null));
            }
        }
        return out;
    }

    @Override
    public Imported importCar(Path car, ImportProgress progress, boolean pinRoots) throws Exception {
        HttpResponse<InputStream> r = post("dag/import", "stats=true" + (pinRoots ? "" : "&pin-roots=false"),
                multipart(car, progress));
        List<String> roots = new ArrayList<>();
        long blocks = 0;
        long bytes = 0;
        for (String line : readOk(r).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.has("Root")) {
                roots.add(n.path("Root").path("Cid").path("/").asText());
                String pinError = n.path("Root").path("PinErrorMsg").asText("");
                if (!pinError.isEmpty()) {
                    throw new CliException("imported, but " + pinError);
                }
            } else if (n.has("Stats")) {
                blocks = n.path("Stats").path("BlockCount").asLong();
                bytes = n.path("Stats").path("BlockBytesCount").asLong();
            }
        }
        return new Imported(roots, blocks, bytes);
    }

    @Override
    public void export(String cid, OutputStream out) throws Exception {
        HttpResponse<InputStream> r = post("dag/export", "arg=" + enc(cid), HttpRequest.BodyPublishers.noBody());
        ensureOk(r);
        try (InputStream in = r.body()) {
            in.transferTo(out);
        }
        out.flush();
    }

    @Override
    public List<String> pinAdd(List<String> cids, boolean recursive) throws Exception {
        return pins("pin/add", cids, recursive);
    }

    @Override
    public List<String> pinRm(List<String> cids, boolean recursive) throws Exception {
        return pins("pin/rm", cids, recursive);
    }

    private List<String> pins(String command, List<String> cids, boolean recursive) throws Exception {
        StringBuilder q = new StringBuilder();
        for (String c : cids) {
            add(q, "arg", c);
        }
        add(q, "recursive", Boolean.toString(recursive));
        JsonNode n = JSON.readTree(readOk(post(command, q.toString(), HttpRequest.BodyPublishers.noBody())));
        List<String> out = new ArrayList<>();
        n.path("Pins").forEach(p -> out.add(p.asText()));
        return out;
    }

    @Override
    public List<Pin> pinLs(String type, List<String> cids) throws Exception {
        StringBuilder q = new StringBuilder();
        add(q, "type", type);
        for (String c : cids) {
            add(q, "arg", c);
        }
        JsonNode keys = JSON.readTree(readOk(post("pin/ls", q.toString(), HttpRequest.BodyPublishers.noBody()))).path("Keys");
        List<Pin> out = new ArrayList<>();
        keys.properties().forEach(e -> out.add(new Pin(e.getKey(), e.getValue().path("Type").asText())));
        return out;
    }

    @Override
    public List<String> gc() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : readOk(post("repo/gc", "", HttpRequest.BodyPublishers.noBody())).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.hasNonNull("Error")) {
                throw new CliException("garbage collection failed: " + n.get("Error").asText());
            }
            out.add(n.path("Key").path("/").asText());
        }
        return out;
    }

    @Override
    public RepoStats repoStat() throws Exception {
        JsonNode n = JSON.readTree(readOk(post("repo/stat", "", HttpRequest.BodyPublishers.noBody())));
        return new RepoStats(n.path("NumObjects").asLong(), n.path("RepoSize").asLong(),
                n.path("StorageMax").bigIntegerValue().toString());
    }

    @Override
    public List<Added> add(List<Path> paths, AddOptions options, java.util.function.LongConsumer progress) throws Exception {
        List<UnixFsFiles.Entry> entries = UnixFsFiles.of(paths);
        StringBuilder q = new StringBuilder();
        options.query().forEach((k, v) -> add(q, k, v));
        String boundary = "cairn-" + UUID.randomUUID();
        long[] sent = {0};
        // The body is produced lazily, one file at a time, so a large tree never sits in memory.
        java.util.Enumeration<InputStream> parts = new java.util.Enumeration<>() {
            int i = 0;
            boolean closed;

            @Override
            public boolean hasMoreElements() {
                return !closed;
            }

            @Override
            public InputStream nextElement() {
                if (i == entries.size()) {
                    closed = true;
                    return new java.io.ByteArrayInputStream(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
                }
                UnixFsFiles.Entry e = entries.get(i++);
                byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + enc(e.path()) + "\"\r\nContent-Type: " + (e.directory() ? "application/x-directory" : "application/octet-stream")
                        + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
                byte[] crlf = "\r\n".getBytes(StandardCharsets.UTF_8);
                if (e.directory()) {
                    return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), new java.io.ByteArrayInputStream(crlf));
                }
                InputStream file;
                try {
                    file = new java.io.FilterInputStream(Files.newInputStream(e.source())) {
                        @Override
                        public int read(byte[] b, int off, int len) throws IOException {
                            int n = super.read(b, off, len);
                            if (n > 0) {
                                sent[0] += n;
                                progress.accept(sent[0]);
                            }
                            return n;
                        }
                    };
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
                return new java.io.SequenceInputStream(java.util.Collections.enumeration(List.of(
                        new java.io.ByteArrayInputStream(head), file, new java.io.ByteArrayInputStream(crlf))));
            }
        };
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(parts));
        HttpResponse<InputStream> r = post("add", q.toString(), new MultipartPublisher(boundary, body));
        List<Added> out = new ArrayList<>();
        for (String line : readOk(r).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.has("Hash")) {
                out.add(new Added(n.path("Name").asText(), n.get("Hash").asText(), n.path("Size").asLong()));
            }
        }
        String error = r.headers().firstValue("X-Stream-Error").orElse(null);
        if (out.isEmpty()) {
            throw new CliException("add stored nothing" + (error != null ? ": " + error : " (the server answered no CIDs)"));
        }
        return out;
    }

    @Override
    public void cat(String path, long offset, long length, OutputStream out) throws Exception {
        StringBuilder q = new StringBuilder();
        add(q, "arg", path);
        add(q, "offset", Long.toString(offset));
        if (length >= 0) {
            add(q, "length", Long.toString(length));
        }
        HttpResponse<InputStream> r = post("cat", q.toString(), HttpRequest.BodyPublishers.noBody());
        ensureOk(r);
        try (InputStream in = r.body()) {
            in.transferTo(out);
        }
        out.flush();
    }

    @Override
    public void close() {
        http.close();
    }

    private HttpResponse<InputStream> post(String command, String query, HttpRequest.BodyPublisher body, String... headers)
            throws IOException, InterruptedException {
        URI uri = api.resolve("/api/v0/" + command + (query.isEmpty() ? "" : "?" + query));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(body).timeout(Duration.ofMinutes(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        if (body instanceof MultipartPublisher m) {
            b.header("Content-Type", "multipart/form-data; boundary=" + m.boundary);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the Cairn API at " + api + " (is 'cairn serve' running? "
                    + "set --api or CAIRN_API, or use --offline)");
        }
    }

    /** A multipart body of one file part named "file", streamed from disk. */
    private static HttpRequest.BodyPublisher multipart(Path file, ImportProgress progress) throws IOException {
        String boundary = "cairn-" + UUID.randomUUID();
        String name = file.getFileName().toString().replace("\"", "");
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long size = Files.size(file);
        HttpRequest.BodyPublisher content = progress == null
                ? HttpRequest.BodyPublishers.ofFile(file)
                : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new ProgressStream(Files.newInputStream(file), progress);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), size);
        return new MultipartPublisher(boundary, HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head), content, HttpRequest.BodyPublishers.ofByteArray(tail)));
    }

    private static String readOk(HttpResponse<InputStream> r) throws IOException {
        ensureOk(r);
        try (InputStream in = r.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void ensureOk(HttpResponse<InputStream> r) throws IOException {
        if (r.statusCode() / 100 == 2) {
            return;
        }
        String body;
        try (InputStream in = r.body(); BufferedReader rd = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            body = rd.lines().reduce("", (a, b) -> a + b);
        }
        String message = body;
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.hasNonNull("Message")) {
                message = n.get("Message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: show the text as it came
        }
        String retry = r.headers().firstValue("Retry-After").map(s -> " (retry after " + s + " s)").orElse("");
        throw new CliException("server answered " + r.statusCode() + ": " + message.strip() + retry);
    }

    private static void add(StringBuilder q, String key, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (!q.isEmpty()) {
            q.append('&');
        }
        q.append(key).append('=').append(enc(value));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Carries the boundary next to the body it belongs to. */
    private record MultipartPublisher(String boundary, HttpRequest.BodyPublisher body) implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return body.contentLength();
        }

        @Override
        public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
            body.subscribe(subscriber);
        }
    }

    /** Reports bytes as the HTTP client pulls them from the file. */
    private static final class ProgressStream extends FilterInputStream {
        private final ImportProgress progress;

        ProgressStream(InputStream in, ImportProgress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                progress.bytes(b, off, n);
            } else if (n < 0) {
                progress.uploadDone();
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }
}
