/**
 * {@code arca rewrite}: new snapshots without the paths an erasure request names, or with stored
 * dumps rewritten through a filter, and the erasure records that let {@code prune} remove what only
 * the erased data needed and confirm it gone.
 */
package dev.arca.engine.rewrite;
