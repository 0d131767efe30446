package mirage.gitstore.internal;

import java.util.ArrayList;
import java.util.List;
import mirage.gitstore.GitStoreException;

/**
 * The request line of the git-daemon protocol ({@code gitprotocol-pack}):
 * {@code <service> SP <path> NUL [host=<host>[:<port>] NUL] [NUL <extra> NUL ...]}, e.g.
 * {@code "git-upload-pack /store\0host=example\0\0version=2\0"}.
 *
 * @param service         e.g. {@code git-upload-pack}
 * @param path            the repository path asked for
 * @param extraParameters the extra parameters (e.g. {@code version=2}), in order
 */
record GitRequest(String service, String path, List<String> extraParameters) {
    static final int MAX = 65520;

    /** Parses a request line; anything else is a {@code PROTOCOL} error. */
    static GitRequest parse(String line) throws GitStoreException {
        if (line == null || line.length() > MAX) {
            throw bad("no request line");
        }
        int sp = line.indexOf(' ');
        int nul = line.indexOf('\0');
        if (sp <= 0 || (nul >= 0 && nul < sp)) {
            throw bad("a request line is \"<service> <path>\\0...\"");
        }
        String service = line.substring(0, sp);
        String path = nul < 0 ? line.substring(sp + 1) : line.substring(sp + 1, nul);
        if (path.isEmpty()) {
            throw bad("empty repository path");
        }
        List<String> extra = new ArrayList<>();
        if (nul >= 0) {
            String[] fields = line.substring(nul + 1).split("\0", -1);
            boolean afterEmpty = false;
            for (int i = 0; i < fields.length; i++) {
                String f = fields[i];
                if (i == 0 && f.startsWith("host=")) {
                    continue;
                }
                if (f.isEmpty()) {
                    afterEmpty = true;
                    continue;
                }
                if (afterEmpty) {
                    extra.add(f);
                }
            }
        }
        return new GitRequest(service, path, List.copyOf(extra));
    }

    private static GitStoreException bad(String why) {
        return new GitStoreException(GitStoreException.Reason.PROTOCOL, "git request: " + why);
    }
}
