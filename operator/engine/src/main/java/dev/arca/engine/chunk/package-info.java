/**
 * Chunking: where a file is cut into chunks. Safetensors files are cut at the header and at tensor
 * boundaries ({@link dev.arca.engine.chunk.SafetensorsLayout}); other files larger than the minimum
 * chunk by a keyed FastCDC gear hash ({@link dev.arca.engine.chunk.GearChunker}); small files are
 * one chunk. {@link dev.arca.engine.chunk.SafetensorsHeader} reads a safetensors header within
 * bounds, for the chunker and for the checkpoint checks.
 *
 * <p>Invariant: cut points depend only on the file's content and the repository's chunker
 * parameters and seed, never on how the file was read, so equal content gives equal chunks.
 */
package dev.arca.engine.chunk;
