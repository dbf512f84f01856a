/**
 * What a run of the engine needs from the JVM it runs in: preparing the JIT for bulk data work
 * ({@link dev.arca.engine.runtime.JitWarmUp}), started by the command line and waited for by the
 * repository's first bulk use.
 *
 * <p>Sits above {@code crypto} and {@code format}, whose code it exercises, and below {@code repo};
 * nothing in it refers to a repository or to data.
 */
package dev.arca.engine.runtime;
