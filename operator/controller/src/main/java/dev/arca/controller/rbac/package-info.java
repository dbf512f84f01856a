/**
 * What the operator may do on the Kubernetes API, written once: {@link
 * dev.arca.controller.rbac.ApiPermissions} lists every resource and verb the reconcilers use.
 *
 * <p>Invariants: the Helm chart's RBAC rules are generated from this list (and drift-checked), and
 * the controller tests record every request the operator sends to the mock API server and fail on
 * any that the list does not grant. A new API call therefore fails a test until it is added here,
 * and the chart follows.
 */
package dev.arca.controller.rbac;
