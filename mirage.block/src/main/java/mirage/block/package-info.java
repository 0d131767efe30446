/**
 * The {@link mirage.block.Block} signature (MirageOS's {@code Mirage_block.S}): whole sectors
 * read and written through lists of borrowed buffers, flush as a durability barrier, discard,
 * typed {@link mirage.block.BlockException}s; static factories for memory and file devices and
 * for read-only, sub-range, checked and fault-injecting views; MBR and GPT partition tables
 * ({@link mirage.block.Partitions}), whose readers answer any bytes with a table or a
 * {@link mirage.block.PartitionException}. Decisions: docs/decisions/0009-block.md.
 */
package mirage.block;
