/**
 * Prune: garbage collection of packs no snapshot needs, safe beside running backups and without
 * locks. A run first sweeps (deletes the packs of garbage marks past their grace period, unless a
 * snapshot needs them again), then marks (records packs no snapshot needs, and partly used packs it
 * repacked, in a new garbage mark). Invariants: nothing is deleted on a partial view (a tree that
 * cannot be read stops the run); the index never names a deleted pack outside a mark; packs younger
 * than the grace period are never marked.
 */
package dev.arca.engine.prune;
