/**
 * Pure builders of the Kubernetes objects the operator creates: given a resource, one run's
 * parameters and the operator configuration, they return a Job (or a PVC, or a VolumeSnapshot) and
 * touch nothing else. Invariants: deterministic names, owner references to the resource, Arca's
 * labels, secrets only as {@code secretKeyRef} environment variables, source volumes mounted
 * read-only.
 */
package dev.arca.controller.jobs;
