package dev.arca.testcluster.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The host side of a pod's way out of its own network namespace: for each forwarded port, a Unix
 * socket that relays every connection to that port on the host's loopback. Inside the pod, socat
 * listens on 127.0.0.1:PORT and connects to the socket (see {@link Sandbox}), so the pod reaches
 * exactly the forwarded services (the API server, the test's MinIO) and nothing else of the host.
 */
final class PortForwards implements AutoCloseable {
  /** One forwarded port and the socket that carries it across. */
  record Forward(int port, Path socket) {}

  private final List<Forward> forwards = new ArrayList<>();
  private final List<ServerSocketChannel> servers = new ArrayList<>();

  PortForwards(Path dir, Iterable<Integer> ports) {
    try {
      Files.createDirectories(dir);
      for (int port : ports) {
        Path sock = dir.resolve(port + ".sock");
        Files.deleteIfExists(sock);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        servers.add(server);
        forwards.add(new Forward(port, sock));
        daemon(() -> accept(server, port));
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    }
  }

  List<Forward> forwards() {
    return forwards;
  }

  private static void accept(ServerSocketChannel server, int port) {
    while (server.isOpen()) {
      try {
        SocketChannel inside = server.accept();
        SocketChannel outside = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        daemon(() -> pump(inside, outside));
        daemon(() -> pump(outside, inside));
      } catch (IOException e) {
        // the server was closed, or the host port refused: the pod sees a closed connection
      }
    }
  }

  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    try (from;
        to) {
      while (from.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          to.write(buf);
        }
        buf.clear();
      }
    } catch (IOException e) {
      // either side went away: closing both ends tells the other
    }
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "port-forward");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    for (ServerSocketChannel s : servers) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Forward f : forwards) {
      try {
        Files.deleteIfExists(f.socket());
      } catch (IOException e) {
        // a leftover socket file in the run's folder is removed with it
      }
    }
  }
}
