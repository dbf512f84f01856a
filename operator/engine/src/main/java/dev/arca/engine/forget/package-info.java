/**
 * Forget: retention policies over snapshots. Removing a snapshot deletes only its snapshot object
 * (the commit point), so a forget interrupted at any moment leaves every remaining snapshot whole;
 * the data no snapshot needs any more is collected by {@link dev.arca.engine.prune.Prune}.
 */
package dev.arca.engine.forget;
