/**
 * The ErasureRequest: an erasure request answered in a policy's snapshots by Jobs (arca rewrite,
 * then arca prune), with the verdict in its status.
 */
package dev.arca.controller.erasure;
