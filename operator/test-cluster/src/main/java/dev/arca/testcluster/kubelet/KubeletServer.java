package dev.arca.testcluster.kubelet;

import dev.arca.testcluster.cluster.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The kubelet's API over TLS, for clients with a certificate of the cluster's CA (the API server):
 * container logs ({@code GET /containerLogs/NS/POD/CONTAINER}, with {@code tailLines} and {@code
 * limitBytes}) for {@code kubectl logs} and the operator's progress reads; and exec ({@code GET
 * /exec/NS/POD/CONTAINER?command=...}, a WebSocket of the {@code v5.channel.k8s.io} or {@code
 * v4.channel.k8s.io} protocol, see {@link ExecSession}) for {@code kubectl exec} and {@code arca
 * pod-exec}. The node declares ExtendWebSocketsToKubelet, so the API server (1.36+) passes a
 * client's exec WebSocket through to here unchanged. A plain socket server: the JDK's HTTP server
 * cannot hand a connection over to WebSocket.
 */
final class KubeletServer implements AutoCloseable {
  /** Finds the log file of a container, or null. */
  interface Logs {
    Path find(String namespace, String pod, String container);
  }

  /** Finds the runner of a container, or null. */
  interface Containers {
    PodRunner find(String namespace, String pod, String container);
  }

  private final SSLServerSocket server;
  private final ExecutorService connections = Executors.newCachedThreadPool(daemon());
  private final Logs logs;
  private final Containers containers;

  KubeletServer(Pki.CertFiles serving, Path ca, Logs logs, Containers containers) {
    this.logs = logs;
    this.containers = containers;
    try {
      SSLContext tls = tls(serving, ca);
      server =
          (SSLServerSocket)
              tls.getServerSocketFactory()
                  .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      server.setNeedClientAuth(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the kubelet server's TLS", e);
    }
    connections.execute(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.execute(() -> handle(s));
      } catch (IOException e) {
        // closed: the node stops
      }
    }
  }

  private void handle(Socket s) {
    try (s) {
      InputStream in = new java.io.BufferedInputStream(s.getInputStream());
      String[] line = readLine(in).split(" ");
      Map<String, String> headers = new HashMap<>();
      for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(
              h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      String target = line.length > 1 ? line[1] : "/";
      int q = target.indexOf('?');
      String path = q < 0 ? target : target.substring(0, q);
      Map<String, List<String>> query = query(q < 0 ? null : target.substring(q + 1));
      String[] parts = path.split("/");
      OutputStream out = s.getOutputStream();
      if (parts.length == 5 && parts[1].equals("exec")) {
        PodRunner r = containers.find(parts[2], parts[3], parts[4]);
        if (r == null) {
          respond(out, 404, "container not found".getBytes(StandardCharsets.UTF_8));
        } else {
          new ExecSession(s, in, out, headers, query, r).run();
        }
      } else if (parts.length == 5 && parts[1].equals("containerLogs")) {
        Path log = logs.find(parts[2], parts[3], parts[4]);
        if (log == null || !Files.exists(log)) {
          respond(out, 404, "container not found".getBytes(StandardCharsets.UTF_8));
        } else {
          respond(out, 200, logBody(log, query));
        }
      } else {
        respond(out, 404, ("no such endpoint: " + path).getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      // the client went away
    }
  }

  private static byte[] logBody(Path log, Map<String, List<String>> q) throws IOException {
    byte[] body = Files.readAllBytes(log);
    if (q.containsKey("tailLines")) {
      body = tail(body, Integer.parseInt(q.get("tailLines").get(0)));
    }
    if (q.containsKey("limitBytes")) {
      int limit = Integer.parseInt(q.get("limitBytes").get(0));
      if (body.length > limit) {
        body = java.util.Arrays.copyOf(body, limit);
      }
    }
    return body;
  }

  static void respond(OutputStream out, int code, byte[] body) throws IOException {
    String head =
        "HTTP/1.1 "
            + code
            + (code == 200 ? " OK" : code == 404 ? " Not Found" : " Bad Request")
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  /** One CRLF-terminated header line, without the line end. */
  static String readLine(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed in the request head");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  static byte[] tail(byte[] body, int lines) {
    int end = body.length;
    int i = end;
    if (i > 0 && body[i - 1] == '\n') {
      i--;
    }
    int seen = 0;
    while (i > 0) {
      if (body[i - 1] == '\n' && ++seen == lines) {
        break;
      }
      i--;
    }
    return java.util.Arrays.copyOfRange(body, lines <= 0 ? end : i, end);
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.computeIfAbsent(kv.substring(0, eq), k -> new ArrayList<>())
              .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "kubelet-server");
      t.setDaemon(true);
      return t;
    };
  }

  private static SSLContext tls(Pki.CertFiles serving, Path ca)
      throws IOException, GeneralSecurityException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    Certificate cert;
    Certificate caCert;
    try (InputStream in = Files.newInputStream(serving.cert());
        InputStream caIn = Files.newInputStream(ca)) {
      cert = cf.generateCertificate(in);
      caCert = cf.generateCertificate(caIn);
    }
    String pem = Files.readString(serving.key());
    byte[] der =
        Base64.getMimeDecoder()
            .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    char[] pass = "stand-in".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("kubelet", key, pass, new Certificate[] {cert});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caCert);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pass);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.shutdownNow();
  }
}
