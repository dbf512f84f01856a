package dev.arca.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * Writes a PostgreSQL plain-text dump in the shape {@code pg_dump} produces: settings, CREATE TABLE
 * statements, one COPY block of tab-separated rows per table, then the constraints.
 */
public final class SqlDump {
  private static final long EPOCH_2024 = 1_704_067_200L;
  private static final String[] KINDS = {"login", "query", "upload", "export", "share", "delete"};

  private final TextCorpus corpus;

  /** A dump whose text columns use words of {@code corpus}. */
  public SqlDump(TextCorpus corpus) {
    this.corpus = corpus;
  }

  /** Writes about {@code budget} bytes to {@code file} and returns the file size. */
  public long write(Path file, long budget, SplittableRandom random) throws IOException {
    try (Writer out =
        new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
      out.write(
          "--\n-- PostgreSQL database dump\n--\n\n"
              + "-- Dumped from database version 16.4\n-- Dumped by pg_dump version 16.4\n\n"
              + "SET statement_timeout = 0;\nSET lock_timeout = 0;\n"
              + "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
              + "SELECT pg_catalog.set_config('search_path', '', false);\n"
              + "SET default_tablespace = '';\nSET default_table_access_method = heap;\n\n");
      out.write(
          table(
              "users",
              "    id bigint NOT NULL,\n    email text NOT NULL,\n    display_name text,\n"
                  + "    created_at timestamp with time zone NOT NULL"));
      out.write(
          table(
              "documents",
              "    id bigint NOT NULL,\n    user_id bigint NOT NULL,\n    title text NOT NULL,\n"
                  + "    body text,\n    tokens integer,\n"
                  + "    created_at timestamp with time zone NOT NULL"));
      out.write(
          table(
              "events",
              "    id bigint NOT NULL,\n    user_id bigint,\n    kind text NOT NULL,\n"
                  + "    payload jsonb,\n    created_at timestamp with time zone NOT NULL"));
      long users = Math.max(10, budget / 10 / 60);
      StringBuilder row = new StringBuilder(8192);
      long size = 0;
      out.write("COPY public.users (id, email, display_name, created_at) FROM stdin;\n");
      for (long id = 1; id <= users; id++) {
        row.setLength(0);
        String first = corpus.randomWord(random);
        String last = corpus.randomWord(random);
        row.append(id).append('\t').append(first).append('.').append(last).append(id % 97);
        row.append("@example.com\t").append(capital(first)).append(' ').append(capital(last));
        row.append('\t').append(timestamp(random)).append('\n');
        size += write(out, row);
      }
      out.write(
          "\\.\n\n\nCOPY public.documents (id, user_id, title, body, tokens, created_at)"
              + " FROM stdin;\n");
      for (long id = 1; size < budget * 0.7; id++) {
        row.setLength(0);
        row.append(id).append('\t').append(1 + random.nextLong(users)).append('\t');
        corpus.appendText(row, random, 3 + random.nextInt(6));
        row.append('\t');
        int words = 20 + random.nextInt(400);
        corpus.appendText(row, random, words);
        row.append('\t').append(words * 4 / 3).append('\t').append(timestamp(random)).append('\n');
        size += write(out, row);
      }
      out.write(
          "\\.\n\n\nCOPY public.events (id, user_id, kind, payload, created_at) FROM stdin;\n");
      for (long id = 1; size < budget; id++) {
        row.setLength(0);
        row.append(id).append('\t');
        if (random.nextInt(20) == 0) {
          row.append("\\N");
        } else {
          row.append(1 + random.nextLong(users));
        }
        String kind = KINDS[random.nextInt(KINDS.length)];
        row.append('\t').append(kind).append("\t{\"ip\": \"10.").append(random.nextInt(256));
        row.append('.').append(random.nextInt(256)).append('.').append(random.nextInt(256));
        row.append("\", \"ms\": ").append(random.nextInt(5000)).append(", \"tag\": \"");
        row.append(corpus.randomWord(random)).append("\"}\t").append(timestamp(random));
        row.append('\n');
        size += write(out, row);
      }
      out.write("\\.\n\n\n");
      for (String t : new String[] {"users", "documents", "events"}) {
        out.write(
            "ALTER TABLE ONLY public."
                + t
                + "\n    ADD CONSTRAINT "
                + t
                + "_pkey PRIMARY KEY"
                + " (id);\n\n");
      }
      out.write(
          "CREATE INDEX documents_user_id_idx ON public.documents USING btree (user_id);\n\n");
      out.write("--\n-- PostgreSQL database dump complete\n--\n\n");
    }
    return Files.size(file);
  }

  private static long write(Writer out, StringBuilder row) throws IOException {
    out.append(row);
    return row.length(); // ASCII only: characters are bytes
  }

  private static String table(String name, String columns) {
    return "CREATE TABLE public."
        + name
        + " (\n"
        + columns
        + "\n);\n\n"
        + "ALTER TABLE public."
        + name
        + " OWNER TO app;\n\n";
  }

  private static String capital(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static String timestamp(SplittableRandom random) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(
            EPOCH_2024 + random.nextLong(60L * 60 * 24 * 600),
            random.nextInt(1_000_000) * 1000,
            ZoneOffset.UTC);
    return t.toLocalDate() + " " + t.toLocalTime() + "+00";
  }
}
