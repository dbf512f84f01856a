package dev.arca.controller.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** /metrics (Prometheus text), /healthz (the process runs) and /readyz (the operator started). */
public final class HttpEndpoints implements AutoCloseable {
  private final HttpServer server;

  public HttpEndpoints(int port, PrometheusMeterRegistry registry, BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/metrics", x -> reply(x, 200, registry.scrape(), "text/plain; version=0.0.4"));
    server.createContext("/healthz", x -> reply(x, 200, "ok\n", "text/plain"));
    server.createContext(
        "/readyz",
        x ->
            reply(
                x,
                ready.getAsBoolean() ? 200 : 503,
                ready.getAsBoolean() ? "ready\n" : "starting\n",
                "text/plain"));
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "arca-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange x, int code, String body, String type) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(code, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
