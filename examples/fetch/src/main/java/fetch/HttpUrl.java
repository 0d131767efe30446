package fetch;

import java.util.Locale;
import mirage.net.IpAddress;
import mirage.net.Ipv6Address;

/**
 * An {@code http} URL whose host is an address literal (fetch has no resolver), as RFC 3986
 * section 3 writes it: {@code http://HOST[:PORT][PATH][?QUERY][#FRAGMENT]}, HOST an IPv4 address
 * in dotted decimal or an IPv6 address in brackets ({@code http://[fd00::1]:8080/x}, section
 * 3.2.2). The port is 80 when absent or empty; the fragment is not sent (section 3.5); the
 * path is {@code /} when empty (RFC 9110 section 4.2.1).
 *
 * @param address the server's address
 * @param port the server's TCP port, 1 to 65535
 * @param target the request target: the path and the query, if any ({@code /} at least)
 */
public record HttpUrl(IpAddress address, int port, String target) {

    /** The port of an {@code http} URL that names none (RFC 9110 section 4.2.1). */
    public static final int DEFAULT_PORT = 80;

    public HttpUrl {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 1 to 65535");
        }
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("a request target starts with '/': " + target);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message quoting {@code text} and naming the rule it
     *     breaks: not {@code http://}, user information, a host name (no resolver), an IPv6
     *     address without brackets or an unclosed bracket, a zone identifier (RFC 6874, not
     *     supported), an IPv4 address in brackets, a bad port, or a character a URL may not hold
     *     (a space, a control character, anything outside ASCII)
     */
    public static HttpUrl parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                // checked first and not quoted: every later message quotes the text, which may
                // hold control characters until here
                throw new IllegalArgumentException("--url: character " + String.format("U+%04X", (int) c) + " at " + i
                        + " must be percent-encoded");
            }
        }
        String scheme = "http://";
        if (text.length() < scheme.length() || !text.substring(0, scheme.length()).toLowerCase(Locale.ROOT).equals(scheme)) {
            throw bad(text, "only http:// URLs are supported");
        }
        int hash = text.indexOf('#');
        String rest = (hash < 0 ? text : text.substring(0, hash)).substring(scheme.length());
        int end = 0;
        while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
            end++;
        }
        String authority = rest.substring(0, end);
        String target = rest.substring(end);
        if (target.isEmpty() || target.charAt(0) == '?') {
            target = "/" + target;
        }
        if (authority.indexOf('@') >= 0) {
            throw bad(text, "user information (before '@') is not supported");
        }
        if (authority.isEmpty()) {
            throw bad(text, "no host");
        }
        IpAddress address;
        String afterHost;
        if (authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw bad(text, "'[' without ']'");
            }
            String literal = authority.substring(1, close);
            if (literal.indexOf('%') >= 0) {
                throw bad(text, "zone identifiers (RFC 6874) are not supported");
            }
            if (literal.indexOf(':') < 0) {
                throw bad(text, "brackets hold an IPv6 address, not '" + literal + "'");
            }
            address = address(text, literal);
            afterHost = authority.substring(close + 1);
        } else {
            if (authority.indexOf(']') >= 0) {
                throw bad(text, "']' without '['");
            }
            int colon = authority.indexOf(':');
            String host = colon < 0 ? authority : authority.substring(0, colon);
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw bad(text, "an IPv6 address in a URL goes in brackets: http://[" + authority + "]/");
            }
            if (host.isEmpty() || !isDottedDecimal(host)) {
                throw bad(text, "'" + host + "' is not an IPv4 address (fetch has no resolver for host names)");
            }
            address = address(text, host);
            afterHost = colon < 0 ? "" : authority.substring(colon);
        }
        int port = DEFAULT_PORT;
        if (!afterHost.isEmpty()) {
            if (afterHost.charAt(0) != ':') {
                throw bad(text, "'" + afterHost + "' after the host: a port is written ':PORT'");
            }
            String digits = afterHost.substring(1);
            if (!digits.isEmpty()) { // "http://host:/" is the default port (RFC 3986 section 3.2.3)
                if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw bad(text, "port '" + digits + "' is not a number from 1 to 65535");
                }
                port = Integer.parseInt(digits);
                if (port < 1 || port > 65535) {
                    throw bad(text, "port " + port + " is not 1 to 65535");
                }
            }
        }
        return new HttpUrl(address, port, target);
    }

    /** The Host header's value (RFC 9110 section 7.2): the address, in brackets for IPv6, and a port other than 80. */
    public String hostHeader() {
        String host = address instanceof Ipv6Address ? "[" + address + "]" : address.toString();
        return port == DEFAULT_PORT ? host : host + ":" + port;
    }

    private static boolean isDottedDecimal(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static IpAddress address(String text, String literal) {
        try {
            return IpAddress.parse(literal);
        } catch (IllegalArgumentException e) {
            throw bad(text, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("--url " + text + ": " + why);
    }
}
