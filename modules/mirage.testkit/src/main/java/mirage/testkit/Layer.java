package mirage.testkit;

import java.util.Locale;

/**
 * The layers inside a protocol module (DESIGN.md §3): {@code wire} &larr; {@code engine} &larr;
 * {@code binding}. A layer is held by the packages with a name segment of its name
 * ({@code mirage.net.internal.wire}, {@code mirage.net.internal.wire.dhcp},
 * {@code mirage.tls.internal.engine}); the architecture rules find them by that name, so a layer
 * named otherwise is not checked, which {@link ArchitectureRules#checkLayerRulesMatchClasses}
 * reports.
 */
public enum Layer {
    /** Byte layouts: views and records, no state. */
    WIRE,
    /** Sans-IO state machines: time and randomness come in as parameters. */
    ENGINE,
    /** What drives engines from devices, flows and the event loop. */
    BINDING;

    /** The package name segment that marks the layer: {@code wire}, {@code engine}, {@code binding}. */
    public String segment() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** ArchUnit's pattern for the layer's packages: {@code ..segment..}. */
    public String packages() {
        return ".." + segment() + "..";
    }

    /** Whether a dotted package name belongs to this layer. */
    public boolean holds(String packageName) {
        for (String s : packageName.split("\\.")) {
            if (s.equals(segment())) {
                return true;
            }
        }
        return false;
    }
}
