package dev.arca.engine.storage;

import java.io.IOException;

/**
 * The store could not be connected to at all: the connection was refused, the host name did not
 * resolve, there was no route, or connecting timed out. {@link RetryingStorage} tries such a store
 * only briefly while it has not answered in this run (a wrong endpoint or a server that is not
 * running should be reported within seconds, not after minutes of backoff), and for longer once it
 * has (a server restarting in the middle of a long backup).
 */
public class StoreUnreachableException extends IOException {
  private static final long serialVersionUID = 1L;

  private final boolean answeredBefore;

  /** {@code answeredBefore}: whether the store had answered any request before this one. */
  public StoreUnreachableException(String message, boolean answeredBefore, Throwable cause) {
    super(message, cause);
    this.answeredBefore = answeredBefore;
  }

  public boolean answeredBefore() {
    return answeredBefore;
  }

  /**
   * The cause in {@code e}'s chain that means the store could not be connected to at all (refused,
   * unknown host, no route, connect timeout), or null: how a client library's failure is sorted.
   */
  public static Throwable connectFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException
          || t instanceof java.net.UnknownHostException
          || t instanceof java.net.NoRouteToHostException
          || t instanceof java.net.http.HttpConnectTimeoutException) {
        return t;
      }
    }
    return null;
  }
}
