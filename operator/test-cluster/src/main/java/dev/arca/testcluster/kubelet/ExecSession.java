package dev.arca.testcluster.kubelet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One exec over WebSocket, as a kubelet serves it: the handshake (RFC 6455) choosing {@code
 * v5.channel.k8s.io} or {@code v4.channel.k8s.io}, then binary messages whose first byte is the
 * channel: 0 stdin (from the client), 1 stdout, 2 stderr, 3 the error channel (a v1 Status with the
 * exit code, sent last), 255 a client's "close this channel" (v5 only; in v4 only closing the
 * WebSocket ends stdin).
 */
final class ExecSession {
  static final String V5 = "v5.channel.k8s.io";
  static final String V4 = "v4.channel.k8s.io";
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Map<String, String> headers;
  private final Map<String, List<String>> query;
  private final PodRunner runner;

  ExecSession(
      Socket socket,
      InputStream in,
      OutputStream out,
      Map<String, String> headers,
      Map<String, List<String>> query,
      PodRunner runner) {
    this.socket = socket;
    this.in = in;
    this.out = out;
    this.headers = headers;
    this.query = query;
    this.runner = runner;
  }

  void run() throws IOException {
    String offered = headers.getOrDefault("sec-websocket-protocol", "");
    List<String> protocols = Arrays.stream(offered.split(",")).map(String::trim).toList();
    String protocol = protocols.contains(V5) ? V5 : protocols.contains(V4) ? V4 : null;
    String key = headers.get("sec-websocket-key");
    List<String> command = query.getOrDefault("command", List.of());
    if (protocol == null || key == null || command.isEmpty()) {
      KubeletServer.respond(
          out,
          400,
          ("exec needs a WebSocket upgrade with " + V5 + " or " + V4 + " and a command")
              .getBytes(StandardCharsets.UTF_8));
      return;
    }
    out.write(
        ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: "
                + accept(key)
                + "\r\nSec-WebSocket-Protocol: "
                + protocol
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    boolean stdin = flag("stdin") || flag("input");
    Process p;
    try {
      p = runner.exec(command);
    } catch (IOException e) {
      status(1, "cannot exec in the container: " + e.getMessage(), -1);
      return;
    }
    if (!stdin) {
      p.getOutputStream().close();
    }
    Thread outPump = pump(p.getInputStream(), 1);
    Thread errPump = pump(p.getErrorStream(), 2);
    Thread reader = new Thread(() -> readClient(p, stdin), "exec-stdin");
    reader.setDaemon(true);
    reader.start();
    try {
      int exit = p.waitFor();
      outPump.join();
      errPump.join();
      status(exit, null, exit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
  }

  private boolean flag(String name) {
    List<String> v = query.get(name);
    return v != null && (v.contains("true") || v.contains("1"));
  }

  /** Copies a stream of the process to a channel, until it ends. */
  private Thread pump(InputStream from, int channel) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[32 << 10];
              try (from) {
                for (int n; (n = from.read(buf)) > 0; ) {
                  byte[] msg = new byte[n + 1];
                  msg[0] = (byte) channel;
                  System.arraycopy(buf, 0, msg, 1, n);
                  send(0x2, msg);
                }
              } catch (IOException e) {
                // the client or the process went away
              }
            },
            "exec-out-" + channel);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads the client's messages: stdin data, channel closes, pings, the close frame. */
  private void readClient(Process p, boolean stdin) {
    OutputStream toProcess = p.getOutputStream();
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    try {
      while (true) {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
          break;
        }
        int opcode = b0 & 0x0f;
        long len = b1 & 0x7f;
        if (len == 126) {
          len = ((in.read() & 0xff) << 8) | (in.read() & 0xff);
        } else if (len == 127) {
          len = 0;
          for (int i = 0; i < 8; i++) {
            len = (len << 8) | (in.read() & 0xff);
          }
        }
        byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) len);
        if (mask != null) {
          for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
          }
        }
        if (opcode == 0x8) {
          break; // the client closed the WebSocket
        } else if (opcode == 0x9) {
          send(0xA, payload);
          continue;
        } else if (opcode == 0xA) {
          continue;
        }
        message.write(payload);
        if ((b0 & 0x80) == 0) {
          continue; // more fragments of this message follow
        }
        byte[] msg = message.toByteArray();
        message.reset();
        if (msg.length == 0) {
          continue;
        }
        if (msg[0] == 0 && stdin) {
          toProcess.write(msg, 1, msg.length - 1);
          toProcess.flush();
        } else if ((msg[0] & 0xff) == 255 && msg.length > 1 && msg[1] == 0) {
          toProcess.close(); // v5: the client's stdin ended
        }
      }
    } catch (IOException e) {
      // the connection ended
    }
    try {
      toProcess.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** The error channel's Status, then a normal close of the WebSocket. */
  private void status(int exit, String failure, int code) throws IOException {
    String json =
        exit == 0
            ? "{\"metadata\":{},\"status\":\"Success\"}"
            : failure != null
                ? "{\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                    + failure.replace("\"", "'")
                    + "\"}"
                : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with"
                    + " non-zero exit code: exit code "
                    + code
                    + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
                    + "\"ExitCode\",\"message\":\""
                    + code
                    + "\"}]}}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] msg = new byte[body.length + 1];
    msg[0] = 3;
    System.arraycopy(body, 0, msg, 1, body.length);
    send(0x2, msg);
    send(0x8, new byte[] {0x03, (byte) 0xe8}); // close, 1000
    socket.shutdownOutput();
  }

  /** One unmasked server frame. */
  private synchronized void send(int opcode, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 10);
    f.write(0x80 | opcode);
    if (payload.length < 126) {
      f.write(payload.length);
    } else if (payload.length < 65536) {
      f.write(126);
      f.write(payload.length >> 8);
      f.write(payload.length & 0xff);
    } else {
      f.write(127);
      for (int i = 7; i >= 0; i--) {
        f.write((int) ((long) payload.length >> (8 * i)) & 0xff);
      }
    }
    f.write(payload);
    out.write(f.toByteArray());
    out.flush();
  }

  static String accept(String key) {
    try {
      byte[] sha =
          MessageDigest.getInstance("SHA-1")
              .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
