/**
 * The operator. Reconcilers are thin (observe, validate, act, patch status); what they create is
 * built by pure functions in {@link dev.arca.controller.jobs}, and when runs are due is computed in
 * {@link dev.arca.controller.schedule} with an injected clock.
 */
package dev.arca.controller;
