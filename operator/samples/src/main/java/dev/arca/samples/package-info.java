/**
 * Deterministic LLM-like sample data, for the demo ({@code arca demo}), the tests of every module
 * and the benchmark: safetensors files of BF16 weights ({@link dev.arca.samples.Safetensors},
 * {@link dev.arca.samples.Bf16}) of a Llama-like shape ({@link dev.arca.samples.ModelShape}), whole
 * trees of a model folder, checkpoints and a data set of many small files ({@link
 * dev.arca.samples.LlmTrees}), SHA-256 digests of trees and their differences ({@link
 * dev.arca.samples.TreeDigest}), folder chains thousands deep and sparse files ({@link
 * dev.arca.samples.SampleFiles}), and a clock that tests move by hand ({@link
 * dev.arca.samples.ManualClock}).
 *
 * <p>The same seed always gives the same bytes. Only the JDK: the module ships inside {@code
 * arca.jar} for the demo, so it holds no test framework code.
 */
package dev.arca.samples;
