package dev.arca.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A training checkpoint a snapshot holds whole.
 *
 * @param path the checkpoint folder's path in the snapshot ({@code train/runs/a/checkpoint-1200})
 * @param step the last run of digits in the folder's name; absent when it has none
 */
public record Checkpoint(String path, @JsonInclude(JsonInclude.Include.NON_NULL) Long step) {}
