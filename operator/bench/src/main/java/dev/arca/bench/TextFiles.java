package dev.arca.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/** Writes the text parts of the data set: JSONL training shards and a BPE tokenizer.json. */
public final class TextFiles {
  private static final int MIN_PART = 2 << 10;
  private static final int MAX_PART = 20 << 10;
  private static final String[] SOURCES = {"web", "books", "forum", "code-comments", "wiki"};

  private final TextCorpus corpus;

  /** Text files drawing their words from {@code corpus}. */
  public TextFiles(TextCorpus corpus) {
    this.corpus = corpus;
  }

  /** Count and total size of written files. */
  public record Written(int files, long bytes) {}

  /**
   * Writes {@code dir/part-00000.jsonl}, {@code part-00001.jsonl}, ... of 2-20 KiB each (sizes
   * log-uniform) until at least {@code budget} bytes are written.
   */
  public Written writeJsonl(Path dir, long budget, SplittableRandom random) throws IOException {
    Files.createDirectories(dir);
    long written = 0;
    int files = 0;
    long docId = 0;
    StringBuilder sb = new StringBuilder(MAX_PART + 4096);
    while (written < budget) {
      double logSize =
          Math.log(MIN_PART) + random.nextDouble() * (Math.log(MAX_PART) - Math.log(MIN_PART));
      long target = Math.min((long) Math.exp(logSize), Math.max(512, budget - written));
      sb.setLength(0);
      while (sb.length() < target) {
        sb.append("{\"id\":\"doc-")
            .append(String.format(Locale.ROOT, "%09d", docId++))
            .append("\",\"source\":\"")
            .append(SOURCES[random.nextInt(SOURCES.length)])
            .append("\",\"lang\":\"en\",\"text\":\"");
        corpus.appendText(sb, random, 30 + random.nextInt(270));
        sb.append("\"}\n");
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      Files.write(dir.resolve(String.format(Locale.ROOT, "part-%05d.jsonl", files)), bytes);
      written += bytes.length;
      files++;
    }
    return new Written(files, written);
  }

  /**
   * Writes a Hugging Face style BPE tokenizer.json with {@code vocab} tokens and as many merges as
   * bring the file to about {@code targetBytes}. Returns its size.
   */
  public long writeTokenizer(Path file, int vocab, long targetBytes, SplittableRandom random)
      throws IOException {
    try (CountingStream counter =
            new CountingStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        JsonGenerator g = new JsonFactory().createGenerator(counter)) {
      g.setPrettyPrinter(prettyPrinter());
      g.writeStartObject();
      g.writeStringField("version", "1.0");
      g.writeNullField("truncation");
      g.writeNullField("padding");
      g.writeArrayFieldStart("added_tokens");
      String[] specials = {"<unk>", "<s>", "</s>"};
      for (int i = 0; i < specials.length; i++) {
        g.writeStartObject();
        g.writeNumberField("id", i);
        g.writeStringField("content", specials[i]);
        g.writeBooleanField("special", true);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNullField("normalizer");
      g.writeObjectFieldStart("pre_tokenizer");
      g.writeStringField("type", "ByteLevel");
      g.writeBooleanField("add_prefix_space", false);
      g.writeEndObject();
      g.writeObjectFieldStart("model");
      g.writeStringField("type", "BPE");
      g.writeNullField("dropout");
      g.writeBooleanField("byte_fallback", false);
      g.writeObjectFieldStart("vocab");
      Set<String> seen = new HashSet<>();
      String[] tokens = new String[vocab];
      for (int id = 0; id < vocab; id++) {
        String token = id < specials.length ? specials[id] : token(id, seen);
        seen.add(token);
        tokens[id] = token;
        g.writeNumberField(token, id);
      }
      g.writeEndObject();
      g.writeArrayFieldStart("merges");
      // About as many merges as tokens (at least half), more if the size asks for it.
      for (int merges = 0;
          merges < vocab / 2 || counter.count + g.getOutputBuffered() < targetBytes;
          merges++) {
        String t = tokens[specials.length + random.nextInt(Math.max(1, vocab - specials.length))];
        if (t.length() >= 2) {
          int cut = 1 + random.nextInt(t.length() - 1);
          g.writeString(t.substring(0, cut) + " " + t.substring(cut));
        } else {
          g.writeString(t + " " + corpus.randomWord(random));
        }
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
      g.flush();
      return counter.count;
    }
  }

  /** Indents like Hugging Face's JSON files: two spaces, {@code "key": value}, one item a line. */
  static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    pretty.indentObjectsWith(indenter);
    pretty.indentArraysWith(indenter);
    return pretty;
  }

  /** A distinct token for {@code id}: a word, a "Ġ"-prefixed word (word start) or a suffix. */
  private String token(int id, Set<String> seen) {
    String word = corpus.word(id % corpus.size());
    String base =
        switch (id % 3) {
          case 0 -> "\u0120" + word;
          case 1 -> word;
          default -> word.length() > 2 ? word.substring(word.length() / 2) : word + "s";
        };
    String token = base;
    for (int n = 2; seen.contains(token); n++) {
      token = base + n;
    }
    return token;
  }

  /** Counts the bytes written through it. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
