/**
 * The Arca custom resources, group {@code arca.dev}, version {@code v1alpha1}, all namespaced:
 * {@link dev.arca.api.v1alpha1.BackupPolicy} (what to back up, where, when, how long to keep it),
 * {@link dev.arca.api.v1alpha1.RestoreRequest} (one restore into a volume) and {@link
 * dev.arca.api.v1alpha1.Snapshot} (a read-only catalog entry mirroring a snapshot in a repository).
 *
 * <p>Invariants: every field carries a description (it is what {@code kubectl explain} shows);
 * secrets are referenced, never embedded; the CRDs under {@code crds/} are generated from these
 * classes and checked for drift by the build.
 */
package dev.arca.api.v1alpha1;
