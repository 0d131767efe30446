/**
 * The {@link mirage.block.Block} signature (MirageOS's {@code Mirage_block.S}): whole sectors
 * read and written through lists of borrowed buffers, flush as a durability barrier, discard,
 * typed {@link mirage.block.BlockException}s; static factories for memory and file devices and
 * for read-only, sub-range and checked views.
 */
package mirage.block;
