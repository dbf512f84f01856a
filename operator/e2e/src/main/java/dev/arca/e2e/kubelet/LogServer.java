package dev.arca.e2e.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.arca.e2e.cluster.Pki;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The kubelet's log endpoint ({@code GET /containerLogs/NS/POD/CONTAINER}, with {@code tailLines}
 * and {@code limitBytes}) over TLS, for clients with a certificate of the cluster's CA: the API
 * server proxies {@code kubectl logs} and the operator's log reads here.
 */
final class LogServer implements AutoCloseable {
  /** Finds the log file of a container, or null. */
  interface Logs {
    Path find(String namespace, String pod, String container);
  }

  private final HttpsServer server;

  LogServer(Pki.CertFiles serving, Path ca, Logs logs) {
    try {
      server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
      SSLContext tls = tls(serving, ca);
      server.setHttpsConfigurator(
          new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters params) {
              var p = tls.getDefaultSSLParameters();
              p.setNeedClientAuth(true);
              params.setSSLParameters(p);
            }
          });
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.createContext("/containerLogs/", ex -> serve(ex, logs));
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the log server's TLS", e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange ex, Logs logs) throws IOException {
    try (ex) {
      String[] parts = ex.getRequestURI().getPath().split("/");
      Path log = parts.length == 5 ? logs.find(parts[2], parts[3], parts[4]) : null;
      if (log == null || !Files.exists(log)) {
        byte[] msg = "container not found".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(404, msg.length);
        ex.getResponseBody().write(msg);
        return;
      }
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      byte[] body = Files.readAllBytes(log);
      if (q.containsKey("tailLines")) {
        body = tail(body, Integer.parseInt(q.get("tailLines")));
      }
      if (q.containsKey("limitBytes")) {
        int limit = Integer.parseInt(q.get("limitBytes"));
        if (body.length > limit) {
          body = java.util.Arrays.copyOf(body, limit);
        }
      }
      ex.getResponseHeaders().set("Content-Type", "text/plain");
      ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
    }
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

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.put(
              kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
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
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
