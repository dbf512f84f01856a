/**
 * The BackupPolicy reconciler: validates a policy, starts one backup Job per due run (never two at
 * once; a run reading CSI VolumeSnapshots first waits for them, SnapshotRun), and turns each
 * finished Job into status, a Snapshot object and Events.
 */
package dev.arca.controller.backup;
