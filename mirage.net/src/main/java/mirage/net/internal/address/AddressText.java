package mirage.net.internal.address;

import mirage.net.Ipv4Address;
import mirage.net.Ipv6Address;

/**
 * Text forms of the address records of {@code mirage.net}: strict parsers and canonical
 * printers. Every parser either returns a value or throws {@link IllegalArgumentException}
 * whose message starts with the kind of address and the quoted input ({@link #quote}), then
 * says what rule the input breaks. Nothing here allocates more than the result and, on failure,
 * the message.
 */
public final class AddressText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Inputs longer than this are cut in messages, so a huge string cannot flood a log. */
    private static final int QUOTE_LIMIT = 64;

    private AddressText() {}

    /**
     * The input in double quotes, with control and non-ASCII characters, quotes and backslashes
     * escaped as in Java source, cut after {@value #QUOTE_LIMIT} characters with a note of the
     * full length.
     */
    public static String quote(String text) {
        StringBuilder b = new StringBuilder(Math.min(text.length(), QUOTE_LIMIT) + 16).append('"');
        int n = Math.min(text.length(), QUOTE_LIMIT);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
        if (text.length() > QUOTE_LIMIT) {
            b.insert(b.length() - 1, "...").append(" (").append(text.length()).append(" characters)");
        }
        return b.toString();
    }

    private static IllegalArgumentException refuse(String kind, String text, String why) {
        return new IllegalArgumentException(kind + " " + quote(text) + ": " + why);
    }

    private static String describe(char c) {
        return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    // ---------------------------------------------------------------- MAC

    /**
     * Parses six groups of exactly two hexadecimal digits (either case), all separated by
     * {@code ':'} or all by {@code '-'}, into the 48-bit value in the low bits of a long.
     */
    public static long parseMac(String text) {
        final String kind = "MAC address";
        if (text.length() != 17) {
            throw refuse(kind, text, "expected 6 groups of 2 hexadecimal digits separated by ':' or '-' (17 characters), got "
                    + text.length() + " characters");
        }
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw refuse(kind, text, "expected ':' or '-' at index 2, found " + describe(separator));
        }
        long bits = 0;
        for (int group = 0; group < 6; group++) {
            int at = group * 3;
            if (group > 0 && text.charAt(at - 1) != separator) {
                throw refuse(kind, text, "expected " + describe(separator) + " at index " + (at - 1) + ", found "
                        + describe(text.charAt(at - 1)) + " (one separator throughout)");
            }
            for (int i = at; i < at + 2; i++) {
                int v = hexValue(text.charAt(i));
                if (v < 0) {
                    throw refuse(kind, text, "expected a hexadecimal digit at index " + i + ", found " + describe(text.charAt(i)));
                }
                bits = (bits << 4) | v;
            }
        }
        return bits;
    }

    /** Lower-case colon form, {@code "02:00:00:00:00:01"}. */
    public static String formatMac(long bits) {
        char[] out = new char[17];
        for (int group = 0; group < 6; group++) {
            int octet = (int) (bits >>> (40 - 8 * group)) & 0xff;
            out[group * 3] = HEX[octet >>> 4];
            out[group * 3 + 1] = HEX[octet & 0xf];
            if (group < 5) {
                out[group * 3 + 2] = ':';
            }
        }
        return new String(out);
    }

    // ---------------------------------------------------------------- IPv4

    /** Parses a dotted quad (see {@link Ipv4Address#parse}). */
    public static int parseIpv4(String text) {
        return parseIpv4(text, 0, text.length(), "IPv4 address", text);
    }

    /**
     * Parses {@code text[from, to)} as a dotted quad; failures name {@code kind} and
     * {@code whole}, the full input the caller was given.
     */
    static int parseIpv4(String text, int from, int to, String kind, String whole) {
        if (from == to) {
            throw refuse(kind, whole, "empty, expected 4 decimal octets separated by '.'");
        }
        int bits = 0;
        int octets = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    throw refuse(kind, whole, "octet " + (octets + 1) + " has more than 3 digits");
                }
            }
            if (i == start) {
                String found = i < to ? "found " + describe(text.charAt(i)) : "found the end";
                throw refuse(kind, whole, "expected a decimal digit at index " + i + " (octet " + (octets + 1) + "), " + found);
            }
            if (text.charAt(start) == '0' && i - start > 1) {
                throw refuse(kind, whole, "octet " + (octets + 1) + " \"" + text.substring(start, i)
                        + "\" has a leading zero (refused: other parsers read it as octal)");
            }
            if (value > 255) {
                throw refuse(kind, whole, "octet " + (octets + 1) + " is " + value + ", above 255");
            }
            bits = (bits << 8) | value;
            octets++;
            if (octets == 4) {
                if (i != to) {
                    throw refuse(kind, whole, "unexpected " + describe(text.charAt(i)) + " at index " + i + " after 4 octets");
                }
                return bits;
            }
            if (i == to) {
                throw refuse(kind, whole, "expected 4 decimal octets separated by '.', found " + octets);
            }
            if (text.charAt(i) != '.') {
                throw refuse(kind, whole, "expected '.' or a decimal digit at index " + i + ", found " + describe(text.charAt(i)));
            }
            i++;
        }
    }

    /** Dotted quad, {@code "10.0.0.2"}. */
    public static String formatIpv4(int bits) {
        StringBuilder b = new StringBuilder(15);
        appendIpv4(b, bits);
        return b.toString();
    }

    private static void appendIpv4(StringBuilder b, int bits) {
        b.append(bits >>> 24).append('.').append((bits >>> 16) & 0xff).append('.')
                .append((bits >>> 8) & 0xff).append('.').append(bits & 0xff);
    }

    /**
     * Parses a prefix length: 1 or 2 decimal digits without a leading zero (but {@code "0"}),
     * at most {@code max}.
     */
    public static int parsePrefixLength(String text, int from, int max, String kind) {
        int n = text.length() - from;
        if (n == 0) {
            throw refuse(kind, text, "missing prefix length after '/'");
        }
        int value = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw refuse(kind, text, "expected a decimal digit at index " + i + " (prefix length), found " + describe(c));
            }
            if (i - from >= 3) {
                throw refuse(kind, text, "prefix length has more than 3 digits, the most is " + max);
            }
            value = value * 10 + (c - '0');
        }
        if (n > 1 && text.charAt(from) == '0') {
            throw refuse(kind, text, "prefix length \"" + text.substring(from) + "\" has a leading zero");
        }
        if (value > max) {
            throw refuse(kind, text, "prefix length " + value + " is above " + max);
        }
        return value;
    }

    /** Index of the single {@code '/'} of a CIDR text. */
    public static int slash(String text, String kind) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw refuse(kind, text, "expected ADDRESS/LENGTH, found no '/'");
        }
        return slash;
    }

    /** Parses the address part of an IPv4 CIDR; a failure names the whole input. */
    public static int parseIpv4Part(String text, int to, String kind) {
        return parseIpv4(text, 0, to, kind, text);
    }

    // ---------------------------------------------------------------- IPv6

    /** Parses RFC 4291 §2.2 text (see {@link Ipv6Address#parse}). */
    public static Ipv6Address parseIpv6(String text) {
        return parseIpv6(text, text.length(), "IPv6 address");
    }

    /** Parses {@code text[0, to)} as RFC 4291 text; failures name {@code kind} and all of {@code text}. */
    public static Ipv6Address parseIpv6(String text, int to, String kind) {
        if (to == 0) {
            throw refuse(kind, text, "empty");
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands, or -1
        int i = 0;
        if (text.charAt(0) == ':') {
            if (to < 2 || text.charAt(1) != ':') {
                throw refuse(kind, text, "a leading ':' must be part of \"::\"");
            }
            gap = 0;
            i = 2;
            if (i == to) {
                return new Ipv6Address(0, 0);
            }
        }
        while (true) {
            // One group, or an IPv4 tail, starts at i.
            int start = i;
            int value = 0;
            while (i < to && hexValue(text.charAt(i)) >= 0) {
                value = (value << 4) | hexValue(text.charAt(i));
                i++;
                if (i - start > 4) {
                    throw refuse(kind, text, "group " + (count + 1) + " at index " + start + " has more than 4 hexadecimal digits");
                }
            }
            if (i < to && text.charAt(i) == '.') {
                // Embedded IPv4 tail: the last 32 bits.
                if (count > 6) {
                    throw refuse(kind, text, "an IPv4 tail at index " + start + " leaves no room: it takes 2 of the 8 groups");
                }
                int v4 = parseIpv4(text, start, to, kind, text);
                groups[count++] = v4 >>> 16;
                groups[count++] = v4 & 0xffff;
                break;
            }
            if (i == start) {
                String found = i < to ? "found " + describe(text.charAt(i)) : "found the end";
                if (i < to && text.charAt(i) == '%') {
                    found += " (zone identifiers are not supported)";
                }
                throw refuse(kind, text, "expected a hexadecimal digit at index " + i + ", " + found);
            }
            if (count == 8) {
                throw refuse(kind, text, "more than 8 groups");
            }
            groups[count++] = value;
            if (i == to) {
                break;
            }
            char c = text.charAt(i);
            if (c != ':') {
                String why = "expected ':' or a hexadecimal digit at index " + i + ", found " + describe(c);
                if (c == '%') {
                    why += " (zone identifiers are not supported)";
                } else if (c == '/') {
                    why += " (a prefix is not an address)";
                }
                throw refuse(kind, text, why);
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    throw refuse(kind, text, "\"::\" appears more than once");
                }
                gap = count;
                i++;
                if (i == to) {
                    break;
                }
            } else if (i == to) {
                throw refuse(kind, text, "ends with a single ':'");
            }
        }
        if (gap < 0 && count != 8) {
            throw refuse(kind, text, "expected 8 groups, found " + count + " and no \"::\"");
        }
        if (gap >= 0 && count > 7) {
            throw refuse(kind, text, "\"::\" stands for at least one zero group, but 8 groups are already written");
        }
        long high = 0;
        long low = 0;
        int zeros = 8 - count;
        for (int g = 0, src = 0; g < 8; g++) {
            int v;
            if (gap >= 0 && g >= gap && g < gap + zeros) {
                v = 0;
            } else {
                v = groups[src++];
            }
            if (g < 4) {
                high = (high << 16) | v;
            } else {
                low = (low << 16) | v;
            }
        }
        return new Ipv6Address(high, low);
    }

    /**
     * RFC 5952 canonical text: lower case, no leading zeros in a group, the longest run of two
     * or more zero groups (the first of equal runs) replaced by {@code "::"}, and IPv4-mapped
     * addresses ({@code ::ffff:0:0/96}) with their last 32 bits in dotted-quad form (§5).
     */
    public static String formatIpv6(long high, long low) {
        StringBuilder b = new StringBuilder(39);
        if (high == 0 && (low >>> 32) == 0xffffL) {
            b.append("::ffff:");
            appendIpv4(b, (int) low);
            return b.toString();
        }
        int bestStart = -1;
        int bestLength = 1; // a run must be at least 2 groups long
        int runStart = -1;
        for (int g = 0; g <= 8; g++) {
            if (g < 8 && group(high, low, g) == 0) {
                if (runStart < 0) {
                    runStart = g;
                }
            } else if (runStart >= 0) {
                if (g - runStart > bestLength) {
                    bestStart = runStart;
                    bestLength = g - runStart;
                }
                runStart = -1;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                b.append("::");
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                b.append(':');
            }
            b.append(Integer.toHexString(group(high, low, g)));
        }
        return b.toString();
    }

    /** Group {@code g} (0-7, most significant first) of an IPv6 address. */
    public static int group(long high, long low, int g) {
        long half = g < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (g & 3))) & 0xffff;
    }
}
