/**
 * Prometheus metrics of the operator (Micrometer) and the HTTP endpoints /metrics, /healthz and
 * /readyz. Metric names start with {@code arca_}; labels are namespace, policy, kind and result.
 */
package dev.arca.controller.metrics;
