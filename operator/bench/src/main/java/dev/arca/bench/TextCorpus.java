package dev.arca.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A made-up language whose word frequencies follow Zipf's law (the word of rank k is drawn with
 * probability proportional to 1/k), so that generated text compresses and deduplicates about like
 * natural text. Frequent words are short, as in real languages.
 */
public final class TextCorpus {
  private static final String[] ONSETS = {
    "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "ch",
    "sh", "th", "st", "tr", "pl", "gr", ""
  };
  private static final String[] NUCLEI = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"};
  private static final String[] CODAS = {"", "", "", "n", "r", "s", "t", "l", "nd", "ng", "x"};
  private static final int TABLE_BITS = 20;

  private final String[] words;
  private final int[] rankByTicket;

  /** Builds a vocabulary of {@code size} distinct words from {@code seed}. */
  public TextCorpus(long seed, int size) {
    SplittableRandom random = new SplittableRandom(seed);
    Set<String> unique = new LinkedHashSet<>();
    while (unique.size() < size) {
      StringBuilder w = new StringBuilder();
      int syllables = 1 + Math.min(random.nextInt(4), random.nextInt(4));
      for (int s = 0; s < syllables; s++) {
        w.append(ONSETS[random.nextInt(ONSETS.length)])
            .append(NUCLEI[random.nextInt(NUCLEI.length)]);
      }
      w.append(CODAS[random.nextInt(CODAS.length)]);
      if (w.length() > 1 || unique.size() < 2) { // few one-letter words, as in English
        unique.add(w.toString());
      }
    }
    List<String> sorted = new ArrayList<>(unique);
    sorted.sort(Comparator.comparingInt(String::length)); // stable: keeps the seeded order
    words = sorted.toArray(String[]::new);
    rankByTicket = zipfTable(words.length);
  }

  /** Maps 2^20 equally likely tickets to ranks so that rank k gets a share proportional to 1/k. */
  private static int[] zipfTable(int n) {
    double total = 0;
    for (int k = 1; k <= n; k++) {
      total += 1.0 / k;
    }
    int[] table = new int[1 << TABLE_BITS];
    double cumulative = 0;
    int rank = 0;
    double upTo = 1.0 / total;
    for (int i = 0; i < table.length; i++) {
      double u = (i + 0.5) / table.length;
      while (u > upTo && rank < n - 1) {
        rank++;
        cumulative = upTo;
        upTo = cumulative + 1.0 / ((rank + 1) * total);
      }
      table[i] = rank;
    }
    return table;
  }

  /** Number of distinct words. */
  public int size() {
    return words.length;
  }

  /** The word of the given frequency rank (0 is the most frequent). */
  public String word(int rank) {
    return words[rank];
  }

  /** A word drawn by its Zipf frequency. */
  public String randomWord(SplittableRandom random) {
    return words[rankByTicket[random.nextInt(rankByTicket.length)]];
  }

  /** Appends about {@code count} words of prose: capitalised sentences, commas and full stops. */
  public void appendText(StringBuilder out, SplittableRandom random, int count) {
    int left = count;
    while (left > 0) {
      int sentence = Math.min(left, 4 + random.nextInt(22));
      for (int i = 0; i < sentence; i++) {
        String w = randomWord(random);
        if (i == 0) {
          out.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
        } else {
          out.append(w);
        }
        if (i == sentence - 1) {
          out.append(random.nextInt(8) == 0 ? "? " : ". ");
        } else {
          out.append(random.nextInt(12) == 0 ? ", " : " ");
        }
      }
      left -= sentence;
    }
    out.setLength(out.length() - 1); // drop the trailing space
  }
}
