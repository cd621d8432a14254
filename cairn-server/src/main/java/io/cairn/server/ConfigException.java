package io.cairn.server;

/**
 * A setting is missing, malformed or inconsistent. The message names the setting and where its value
 * came from (flag, environment variable or configuration file line), so the user can fix it.
 */
public class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
