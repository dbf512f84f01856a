package dev.arca.cli;

import com.sun.net.httpserver.HttpServer;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.Storages;
import dev.arca.engine.storage.s3.S3Settings;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The build's training run for the class data sharing archive, not a command: runs the demo, then a
 * few S3 requests against a stub server on 127.0.0.1, so that the archive also holds the AWS SDK's
 * classes (every Job of the operator talks to S3; with them archived, `arca snapshots` on MinIO
 * took 1.2 s instead of 1.5 s). Usage: {@code java -XX:ArchiveClassesAtExit=A -cp arca.jar
 * dev.arca.cli.CdsTraining DIR}.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    int code = Main.run(new String[] {"demo", "--json", "--dir", args[0]}, out, out);
    try {
      S3Stub.train();
    } catch (Throwable t) {
      // no stub on this JVM (no jdk.httpserver module): the archive goes without the SDK
    }
    System.exit(code);
  }

  /** The S3 part, in its own class so that a JVM without jdk.httpserver still runs the rest. */
  private static final class S3Stub {
    private static final byte[] LIST =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>training</Name>"
                + "<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = "arca".getBytes(StandardCharsets.UTF_8);

    static void train() throws Exception {
      HttpServer stub =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      stub.createContext(
          "/",
          x -> {
            String query = x.getRequestURI().getRawQuery();
            byte[] body = query != null && query.contains("list-type") ? LIST : BODY;
            x.getRequestBody().readAllBytes();
            boolean head = "HEAD".equals(x.getRequestMethod());
            x.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
              try (OutputStream o = x.getResponseBody()) {
                o.write(body);
              }
            }
            x.close();
          });
      stub.start();
      // dummy credentials for the stub, through the SDK's system-property provider
      System.setProperty("aws.accessKeyId", "training");
      System.setProperty("aws.secretAccessKey", "training-only");
      String endpoint = "http://127.0.0.1:" + stub.getAddress().getPort();
      try (Storage s =
          Storages.open(
              "s3://training/repo",
              new S3Settings(endpoint, "us-east-1", true, null, null, 1, null, null))) {
        s.read("config");
        s.read("data/00/training", 0, 4, new byte[4]);
        s.size("config");
        s.list("snapshots/");
        s.create("locks/training", BODY);
      } catch (Exception e) {
        // the stub answers what it can; the classes loaded on the way are what counts
      } finally {
        stub.stop(0);
      }
    }
  }
}
