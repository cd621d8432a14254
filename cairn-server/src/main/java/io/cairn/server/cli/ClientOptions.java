package io.cairn.server.cli;

import io.cairn.server.ServerConfig;
import io.cairn.server.config.ConfigResolver;
import io.cairn.server.config.Setting;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/** How a block command reaches the store: a server's API, or the data directory with --offline. */
final class ClientOptions {
    static final String API_ENV = "CAIRN_API";
    static final String DEFAULT_API = "http://127.0.0.1:5001";

    @Option(names = "--api", paramLabel = "URL",
            description = "API of a running server (env CAIRN_API; default " + DEFAULT_API + ").")
    String api;

    @Option(names = "--api-token", paramLabel = "TOKEN", description = "Bearer token for the API (env CAIRN_API_TOKEN).")
    String apiToken;

    @Option(names = "--offline", description = "Open the data directory directly instead of calling a server "
            + "(the server must not be running on it).")
    boolean offline;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory for --offline (env CAIRN_DATA).")
    String data;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file for --offline (env CAIRN_CONFIG).")
    Path config;

    Backend open(CairnCli cli) {
        if (offline) {
            Map<Setting, String> flags = new EnumMap<>(Setting.class);
            if (data != null) {
                flags.put(Setting.DATA, data);
            }
            ServerConfig c = new ConfigResolver(cli.env).resolve(flags, config);
            return new OfflineBackend(c);
        }
        String url = api != null ? api : cli.env.getOrDefault(API_ENV, DEFAULT_API);
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("--api: '" + url + "' is not a URL like http://127.0.0.1:5001");
        }
        String token = apiToken != null ? apiToken : cli.env.get(Setting.API_TOKEN.envVar());
        return new ApiBackend(uri, token);
    }
}
