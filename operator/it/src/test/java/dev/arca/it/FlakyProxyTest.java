package dev.arca.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's stall: connections stay open, no byte goes through, and all of them do after. */
class FlakyProxyTest {
  private ServerSocket echo;
  private FlakyProxy proxy;

  @BeforeEach
  void setUp() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve, "echo");
    t.setDaemon(true);
    t.start();
    proxy = new FlakyProxy(URI.create("http://127.0.0.1:" + echo.getLocalPort()), 0, 0, 1);
  }

  @AfterEach
  void tearDown() throws IOException {
    proxy.close();
    echo.close();
  }

  private void serve() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        Thread t = new Thread(() -> copy(s), "echo-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void copy(Socket s) {
    try (s;
        InputStream in = s.getInputStream()) {
      in.transferTo(s.getOutputStream());
    } catch (IOException gone) {
      // the test closed it
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.uri().getPort());
    s.setSoTimeout(700);
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes());
    s.getOutputStream().flush();
  }

  private static String read(Socket s, int n) throws IOException {
    return new String(s.getInputStream().readNBytes(n));
  }

  @Test
  void aStalledProxyHoldsBytesOnOpenConnectionsUntilItResumes() throws Exception {
    try (Socket before = connect()) {
      send(before, "one");
      assertThat(read(before, 3)).isEqualTo("one");

      proxy.stall();
      send(before, "two");
      assertThatThrownBy(() -> before.getInputStream().read())
          .isInstanceOf(SocketTimeoutException.class); // no byte, and no reset either
      try (Socket during = connect()) { // a new connection is accepted, and held too
        send(during, "new");
        assertThatThrownBy(() -> during.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);

        proxy.unstall();
        assertThat(read(before, 3)).isEqualTo("two");
        assertThat(read(during, 3)).isEqualTo("new");
      }
      assertThat(proxy.resets.get()).isZero();
    }
  }
}
