package io.cairn.server.ipns;

import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

/**
 * DNSLink (https://dnslink.dev): the {@code dnslink=/ipfs/…} or {@code dnslink=/ipns/…} TXT record of
 * {@code _dnslink.{domain}}, looked up with the JDK's JNDI DNS provider, at the configured resolver
 * ({@code host:port}) or the system's.
 */
public final class DnsLink {
    private static final String PREFIX = "dnslink=";
    private final String providerUrl;

    /** @param resolver {@code host[:port]} of the DNS server to ask, or null for the system's resolvers */
    public DnsLink(String resolver) {
        this.providerUrl = resolver == null ? "dns:" : "dns://" + resolver;
    }

    /** Whether {@code name} has the shape of a DNS name (letters, digits, '-', at least one dot), as opposed to a key. */
    public static boolean isDomain(String name) {
        return name.length() <= 253 && name.indexOf('.') > 0 && name.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?") && !name.matches("[0-9.]+");
    }

    /**
     * The DNSLink path of {@code domain}: the lexically first valid {@code dnslink=} value, or empty
     * when the domain has none.
     *
     * @throws IllegalStateException the DNS server could not be asked (timeout, refused)
     */
    public Optional<String> lookup(String domain) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", providerUrl);
        env.put("com.sun.jndi.dns.timeout.initial", "2000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        List<String> found = new ArrayList<>();
        try {
            DirContext ctx = new InitialDirContext(env);
            try {
                Attributes attrs = ctx.getAttributes("_dnslink." + domain, new String[] {"TXT"});
                Attribute txt = attrs.get("TXT");
                if (txt != null) {
                    NamingEnumeration<?> values = txt.getAll();
                    while (values.hasMore()) {
                        String v = unquote(String.valueOf(values.next()));
                        if (v.startsWith(PREFIX) && (v.startsWith(PREFIX + "/ipfs/") || v.startsWith(PREFIX + "/ipns/"))) {
                            found.add(v.substring(PREFIX.length()).trim());
                        }
                    }
                }
            } finally {
                ctx.close();
            }
        } catch (NameNotFoundException e) {
            return Optional.empty();
        } catch (NamingException e) {
            throw new IllegalStateException("DNS lookup of _dnslink." + domain + " failed: " + e.getMessage(), e);
        }
        return found.stream().sorted().findFirst();
    }

    /** JNDI hands a TXT record's character-strings back quoted when they hold spaces; DNSLink values are one string. */
    private static String unquote(String v) {
        String t = v.trim();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1).replace("\" \"", "");
        }
        return t;
    }
}
