package mirage.tls.internal.cert;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Host names as TLS uses them: DNS names for SNI and certificate matching, or IP literals. */
public final class HostNames {
    private HostNames() {}

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    /** The address of an IPv4 dotted-quad or IPv6 literal (no lookup), or empty for anything else. */
    public static Optional<InetAddress> ipLiteral(String name) {
        if (!IPV4.matcher(name).matches() && !(name.indexOf(':') >= 0 && name.matches("[0-9A-Fa-f:.]+"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(name));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code name} is a DNS host name: dot-separated LDH labels, 253 characters at most, not all digits. */
    public static boolean isDnsName(String name) {
        if (name.isEmpty() || name.length() > 253 || IPV4.matcher(name).matches()) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a certificate's DNS name (possibly {@code *.} plus a name, RFC 6125 6.4.3: the
     * wildcard is the whole left-most label and matches exactly one label) names {@code host}.
     * ASCII case-insensitive.
     */
    public static boolean matches(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (p.startsWith("*.")) {
            String rest = p.substring(2);
            int dot = h.indexOf('.');
            return rest.indexOf('.') > 0 && dot > 0 && h.substring(dot + 1).equals(rest);
        }
        return p.equals(h);
    }
}
