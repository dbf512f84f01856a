/**
 * Verify: proves a repository can restore what its snapshots promise, and when it cannot, names
 * every damaged object and every snapshot file it touches.
 */
package dev.arca.engine.verify;
