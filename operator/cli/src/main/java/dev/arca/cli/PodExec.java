package dev.arca.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a pod's container through the API server's exec subresource, over WebSocket with
 * the {@code v5.channel.k8s.io} protocol (Kubernetes 1.30+): stdout and stderr are copied out as
 * they come, stdin (if given) is sent and then closed, which v5 can signal and v4 cannot (a restore
 * piped into psql must end with an end of input, not a dropped connection). The remote exit code
 * comes back on the error channel.
 */
final class PodExec {
  static final String PROTOCOL = "v5.channel.k8s.io";
  private static final int STDIN = 0;
  private static final int STDOUT = 1;
  private static final int STDERR = 2;
  private static final int ERROR = 3;
  private static final int CLOSE = 255;
  private static final int PIECE = 256 << 10;

  private PodExec() {}

  /** Runs {@code command} in the container; returns its exit code. */
  static int run(
      KubernetesClient client,
      String namespace,
      String pod,
      String container,
      List<String> command,
      InputStream stdin,
      OutputStream out,
      OutputStream err)
      throws IOException {
    StringBuilder q = new StringBuilder("?stdout=true&stderr=true");
    q.append(stdin == null ? "" : "&stdin=true");
    if (container != null) {
      q.append("&container=").append(enc(container));
    }
    command.forEach(c -> q.append("&command=").append(enc(c)));
    URI uri =
        URI.create(
            client.getMasterUrl().toString().replaceAll("/$", "")
                + "/api/v1/namespaces/"
                + enc(namespace)
                + "/pods/"
                + enc(pod)
                + "/exec"
                + q);
    CompletableFuture<String> status = new CompletableFuture<>();
    WebSocket ws;
    try {
      ws =
          client
              .getHttpClient()
              .newWebSocketBuilder()
              .subprotocol(PROTOCOL)
              .uri(uri)
              .connectTimeout(30, TimeUnit.SECONDS)
              .buildAsync(new Receiver(out, err, status))
              .get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(
          "exec in pod "
              + namespace
              + "/"
              + pod
              + " failed to start: "
              + e.getCause().getMessage()
              + " (exec over WebSocket v5 needs Kubernetes 1.30 or newer, and the right to create"
              + " pods/exec)",
          e.getCause());
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new IOException("exec in pod " + namespace + "/" + pod + " did not start", e);
    }
    if (stdin != null) {
      byte[] buf = new byte[PIECE];
      for (int n; (n = stdin.readNBytes(buf, 0, buf.length)) > 0 && !status.isDone(); ) {
        ByteBuffer frame = ByteBuffer.allocate(n + 1).put((byte) STDIN).put(buf, 0, n).flip();
        ws.send(frame);
        while (ws.queueSize() > 4L * PIECE && !status.isDone()) {
          sleep(); // the socket is behind: wait rather than buffer the dump in memory
        }
      }
      ws.send(ByteBuffer.wrap(new byte[] {(byte) CLOSE, STDIN}));
    }
    try {
      return exitCode(status.join());
    } catch (java.util.concurrent.CompletionException e) {
      throw new IOException("exec in pod " + namespace + "/" + pod + " failed: " + e.getCause(), e);
    }
  }

  /** The exit code in the error channel's Status: 0 on Success. */
  static int exitCode(String statusJson) throws IOException {
    if (statusJson == null) {
      throw new IOException("the connection ended before the command's exit status came");
    }
    JsonNode s = new ObjectMapper().readTree(statusJson);
    if ("Success".equals(s.path("status").asText())) {
      return 0;
    }
    for (JsonNode c : s.path("details").path("causes")) {
      if ("ExitCode".equals(c.path("reason").asText())) {
        return Integer.parseInt(c.path("message").asText());
      }
    }
    throw new IOException("exec failed: " + s.path("message").asText(statusJson));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void sleep() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Demultiplexes the channels; completes {@code status} with the Status JSON, or null. */
  private static final class Receiver implements WebSocket.Listener {
    private final OutputStream out;
    private final OutputStream err;
    private final CompletableFuture<String> status;
    private final StringBuilder error = new StringBuilder();

    Receiver(OutputStream out, OutputStream err, CompletableFuture<String> status) {
      this.out = out;
      this.err = err;
      this.status = status;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request();
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer b) {
      if (b.hasRemaining()) {
        int channel = b.get() & 0xff;
        byte[] data = new byte[b.remaining()];
        b.get(data);
        try {
          switch (channel) {
            case STDOUT -> out.write(data);
            case STDERR -> err.write(data);
            case ERROR -> error.append(new String(data, StandardCharsets.UTF_8));
            default -> {
              // resize and close frames do not come from the server
            }
          }
        } catch (IOException e) {
          status.completeExceptionally(e);
          ws.sendClose(1000, "output closed");
          return;
        }
      }
      ws.request();
    }

    @Override
    public void onClose(WebSocket ws, int code, String reason) {
      try {
        out.flush();
        err.flush();
      } catch (IOException e) {
        // reported by the write that failed
      }
      status.complete(error.length() == 0 ? null : error.toString());
    }

    @Override
    public void onError(WebSocket ws, Throwable t) {
      status.completeExceptionally(t);
    }
  }
}
