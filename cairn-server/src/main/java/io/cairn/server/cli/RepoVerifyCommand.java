package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.blockstore.RepoVerifier;
import io.cairn.cid.Cid;
import io.cairn.server.ServerConfig;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import io.cairn.server.store.StoreStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code cairn repo verify}: reads every block and checks it against its CID; corrupt blocks are
 * moved to {@code DATA/quarantine} and reported. With {@code --offline} the data directory is opened
 * directly (the server must not be running on it); otherwise a running server does it
 * ({@code /api/v0/repo/verify}). Exit status 1 when a block was corrupt or could not be verified.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check every stored block against its CID; quarantine and report corrupt ones.")
final class RepoVerifyCommand implements Callable<Integer> {
    @ParentCommand
    RepoCommands.Repo repo;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        CairnCli cli = repo.cli;
        return client.offline ? offline(cli) : online(cli);
    }

    private int offline(CairnCli cli) {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        if (client.data != null) {
            flags.put(Setting.DATA, client.data);
        }
        ServerConfig config = new ConfigResolver(cli.env).resolve(flags, client.config);
        try (StoreStack stack = StoreStack.open(config, new SimpleMeterRegistry())) {
            RepoVerifier.Report r = RepoVerifier.of(stack.blockstore()).run(new RepoVerifier.Listener() {
                @Override
                public void corrupt(Cid cid) {
                    cli.out.println("block " + cid + " was corrupt (moved to quarantine)");
                }

                @Override
                public void unverifiable(Cid cid, String why) {
                    cli.out.println("block " + cid + " could not be verified: " + why);
                }
            });
            cli.out.println("checked " + r.checked() + " blocks: " + r.intact() + " intact, " + r.corrupt()
                    + " corrupt, " + r.unverifiable() + " unverifiable");
            cli.out.println(r.ok() ? "verify complete, all blocks validated." : "verify complete, some blocks were corrupt");
            return r.ok() ? 0 : 1;
        }
    }

    private int online(CairnCli cli) throws Exception {
        String url = client.api != null ? client.api : cli.env.getOrDefault(ClientOptions.API_ENV, ClientOptions.DEFAULT_API);
        URI uri = URI.create((url.endsWith("/") ? url.substring(0, url.length() - 1) : url) + "/api/v0/repo/verify");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody());
        String token = client.apiToken != null ? client.apiToken : cli.env.get(Setting.API_TOKEN.envVar());
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<java.io.InputStream> r;
        try (HttpClient http = HttpClient.newHttpClient()) {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            ObjectMapper json = new ObjectMapper();
            boolean ok = false;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                if (r.statusCode() != 200) {
                    String body = in.lines().reduce("", String::concat);
                    JsonNode n = json.readTree(body.isBlank() ? "{}" : body);
                    throw new CliException(n.has("Message") ? n.get("Message").asText() : "server answered " + r.statusCode());
                }
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    String msg = json.readTree(line).path("Msg").asText("");
                    if (!msg.isEmpty()) {
                        cli.out.println(msg);
                    }
                    ok = msg.equals("verify complete, all blocks validated.") || (ok && msg.isEmpty());
                }
            }
            return ok ? 0 : 1;
        } catch (java.net.ConnectException e) {
            throw new CliException("cannot reach the server at " + url + " (is it running? use --offline to open the "
                    + "data directory directly)");
        }
    }
}
