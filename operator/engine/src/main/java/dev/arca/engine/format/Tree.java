package dev.arca.engine.format;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A directory listing, stored as a tree blob in a pack: its entries sorted by name.
 *
 * @param nodes the entries
 */
public record Tree(@JsonProperty("nodes") List<Node> nodes) {}
