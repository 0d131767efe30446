/**
 * Signatures every unikernel and OS-service module shares: byte streams ({@link mirage.core.Flow}),
 * the console, entropy, the {@link mirage.core.Unikernel} contract and typed runtime arguments.
 *
 * <p>This package holds signatures only (see {@code docs/decisions/0003-signature-only-exports.md});
 * implementations are reached through static factories on these interfaces.
 */
package mirage.core;
