package dev.arca.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server that misbehaves like a bad network: it resets
 * connections at random points ({@code resetPerMiB} is the chance per MiB carried), delays traffic,
 * can go down altogether (every connection reset at once) and come back, and can stall: connections
 * stay open (new ones are accepted too) but no byte goes through either way until it resumes, as a
 * store that stops answering without closing anything.
 */
public final class FlakyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final SplittableRandom random;
  private volatile double resetPerChunk;
  private volatile int maxDelayMs;
  private volatile boolean down;
  private volatile boolean stalled;
  private final Object flow = new Object();
  public final AtomicInteger resets = new AtomicInteger();
  public final AtomicInteger connections = new AtomicInteger();
  public final java.util.concurrent.atomic.AtomicLong bytes =
      new java.util.concurrent.atomic.AtomicLong();

  public FlakyProxy(URI target, double resetPerMiB, int maxDelayMs, long seed) throws IOException {
    this.target = new InetSocketAddress(target.getHost(), target.getPort());
    this.resetPerChunk = resetPerMiB / 16; // chunks of 64 KiB
    this.maxDelayMs = maxDelayMs;
    this.random = new SplittableRandom(seed);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "flaky-proxy");
    t.setDaemon(true);
    t.start();
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Resets every connection from now on, until {@link #up}. */
  public void down() {
    down = true;
  }

  public void up() {
    down = false;
  }

  /**
   * Stops carrying bytes, in both directions and on every connection, without closing any: what
   * arrives is held (the senders' buffers fill up) until {@link #unstall}.
   */
  public void stall() {
    stalled = true;
  }

  /** Carries bytes again, the held ones first. */
  public void unstall() {
    synchronized (flow) {
      stalled = false;
      flow.notifyAll();
    }
  }

  /** Returns once bytes may go through: at once, or when a {@link #stall} ends. */
  private void awaitFlow() throws InterruptedException {
    synchronized (flow) {
      while (stalled) {
        flow.wait();
      }
    }
  }

  public void calm() {
    resetPerChunk = 0;
    maxDelayMs = 0;
  }

  private synchronized double roll() {
    return random.nextDouble();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        if (down) {
          reset(client, null);
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(target, 5000);
        pump(client, upstream, "up");
        pump(upstream, client, "down");
      } catch (IOException e) {
        // closed, or the server is gone: next connection
      }
    }
  }

  private void pump(Socket from, Socket to, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 << 10];
              try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  awaitFlow();
                  if (down || roll() < resetPerChunk) {
                    resets.incrementAndGet();
                    reset(from, to);
                    return;
                  }
                  int delay = maxDelayMs;
                  if (delay > 0 && roll() < 0.1) {
                    Thread.sleep((long) (roll() * delay));
                  }
                  out.write(buf, 0, n);
                  out.flush();
                  bytes.addAndGet(n);
                }
                to.shutdownOutput();
              } catch (IOException | InterruptedException e) {
                reset(from, to);
              }
            },
            "flaky-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Closes with SO_LINGER 0, which sends a TCP reset instead of an orderly close. */
  private static void reset(Socket a, Socket b) {
    for (Socket s : new Socket[] {a, b}) {
      if (s == null) {
        continue;
      }
      try {
        s.setSoLinger(true, 0);
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
