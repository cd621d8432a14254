package io.cairn.server.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code _redirects} file (web-redirects-file spec): {@code from to [status]} rules, evaluated in
 * order for a path that does not exist in the DAG, with {@code :name} placeholders and a trailing
 * {@code *} splat. A file that does not parse is an error the gateway answers with 500.
 */
final class RedirectsFile {
    /** The spec's limit on the file's size. */
    static final int MAX_SIZE = 64 * 1024;
    private static final Set<Integer> STATUSES = Set.of(200, 301, 302, 303, 307, 308, 404, 410, 451);

    /** One rule: the {@code from} path split into segments, the {@code to} target and the status. */
    record Rule(List<String> from, String to, int status) {
    }

    /** What a matching rule says: the target with its placeholders filled in, and the status. */
    record Match(String to, int status) {
    }

    private final List<Rule> rules;

    private RedirectsFile(List<Rule> rules) {
        this.rules = rules;
    }

    /** @throws IllegalArgumentException naming the line that does not parse */
    static RedirectsFile parse(byte[] bytes) {
        if (bytes.length > MAX_SIZE) {
            throw new IllegalArgumentException("_redirects is " + bytes.length + " bytes, over the " + MAX_SIZE + "-byte limit");
        }
        List<Rule> rules = new ArrayList<>();
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("[ \t]+");
            if (f.length < 2 || f.length > 3) {
                throw new IllegalArgumentException("_redirects line " + (i + 1) + ": expected 'from to [status]', got '" + line + "'");
            }
            if (!f[0].startsWith("/")) {
                throw new IllegalArgumentException("_redirects line " + (i + 1) + ": 'from' must be a path starting with '/'");
            }
            int status = 301;
            if (f.length == 3) {
                try {
                    status = Integer.parseInt(f[2]);
                } catch (NumberFormatException e) {
                    status = -1;
                }
                if (!STATUSES.contains(status)) {
                    throw new IllegalArgumentException("_redirects line " + (i + 1) + ": status '" + f[2]
                            + "' is not one of 200, 301, 302, 303, 307, 308, 404, 410, 451");
                }
            }
            List<String> from = segments(f[0]);
            Set<String> names = new HashSet<>();
            for (int s = 0; s < from.size(); s++) {
                String seg = from.get(s);
                if (seg.startsWith(":") && !names.add(seg)) {
                    throw new IllegalArgumentException("_redirects line " + (i + 1) + ": placeholder " + seg + " is used twice in 'from'");
                }
                if (seg.equals("*") && s != from.size() - 1) {
                    throw new IllegalArgumentException("_redirects line " + (i + 1) + ": '*' may only end 'from'");
                }
            }
            rules.add(new Rule(from, f[1], status));
        }
        return new RedirectsFile(rules);
    }

    /** The first rule matching {@code path} (the request path inside the root, starting with '/'). */
    Optional<Match> match(String path) {
        List<String> segs = segments(path);
        for (Rule r : rules) {
            Map<String, String> values = new HashMap<>();
            if (matches(r.from(), segs, values)) {
                String to = r.to();
                // the longest names first, so :splat is not mistaken for :s + "plat"
                List<String> keys = new ArrayList<>(values.keySet());
                keys.sort((a, b) -> b.length() - a.length());
                for (String k : keys) {
                    to = to.replace(k, values.get(k));
                }
                return Optional.of(new Match(to, r.status()));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(List<String> from, List<String> segs, Map<String, String> values) {
        for (int i = 0; i < from.size(); i++) {
            String f = from.get(i);
            if (f.equals("*")) {
                values.put(":splat", String.join("/", segs.subList(Math.min(i, segs.size()), segs.size())));
                return true;
            }
            if (i >= segs.size()) {
                return false;
            }
            if (f.startsWith(":")) {
                values.put(f, segs.get(i));
            } else if (!f.equals(segs.get(i))) {
                return false;
            }
        }
        return from.size() == segs.size();
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
