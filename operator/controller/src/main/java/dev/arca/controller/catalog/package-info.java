/**
 * SnapshotCatalog: imports the snapshots a repository holds (of one namespace's policies, or one
 * policy) as read-only Snapshot objects, so that a cluster that did not write them (a new cluster
 * after a disaster, another region reading an off-site copy) can list them and restore them by
 * RestoreRequest spec.catalogRef. The import Job lists; the operator mirrors.
 */
package dev.arca.controller.catalog;
