/**
 * The RestoreRequest reconciler: resolves which snapshot and volume to restore (from the Snapshot
 * catalog when a policy is named), creates the target PVC when asked, runs one restore Job and
 * reports its outcome. A request runs once: Succeeded and Failed are final.
 */
package dev.arca.controller.restore;
