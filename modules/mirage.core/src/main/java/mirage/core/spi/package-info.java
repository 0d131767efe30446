/**
 * The platform SPI: what a platform module (Solo5, Xen) implements and what the generated
 * boot class and OS-service modules drive. Signatures only.
 */
package mirage.core.spi;
