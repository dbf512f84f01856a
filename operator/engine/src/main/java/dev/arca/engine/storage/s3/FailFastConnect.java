package dev.arca.engine.storage.s3;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The HTTP client with failures to connect taken out of the SDK's retries. The SDK retries every
 * failure that has an {@link IOException} among its causes, with backoff of about 30 s in all:
 * right for a reset connection, but with the retries above it a refused connection took minutes to
 * be reported. A failure to connect (refused, a host name that does not resolve, no route, connect
 * timeout) is thrown here as an {@link SdkClientException} caused by a {@link Failure}, with no
 * {@code IOException} among its causes, so the SDK gives up at once; {@link S3Errors} makes it a
 * {@link dev.arca.engine.storage.StoreUnreachableException} for {@link
 * dev.arca.engine.storage.RetryingStorage}'s schedule. Whether the endpoint has answered any
 * request yet goes with it.
 */
final class FailFastConnect implements SdkHttpClient {
  private final SdkHttpClient inner;
  private volatile boolean answered;

  private FailFastConnect(SdkHttpClient inner) {
    this.inner = inner;
  }

  /** A builder of this client around what {@code inner} builds (the SDK then closes it). */
  static Builder around(SdkHttpClient.Builder<?> inner) {
    return new Builder(inner);
  }

  /** Builds the client with the SDK's defaults for the service. */
  static final class Builder implements SdkHttpClient.Builder<Builder> {
    private final SdkHttpClient.Builder<?> inner;

    private Builder(SdkHttpClient.Builder<?> inner) {
      this.inner = inner;
    }

    @Override
    public SdkHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
      return new FailFastConnect(inner.buildWithDefaults(serviceDefaults));
    }
  }

  /** A failure to connect: what the system said, and whether the endpoint had answered before. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean answeredBefore;

    Failure(IOException e, boolean answeredBefore) {
      super(reason(e));
      this.answeredBefore = answeredBefore;
      addSuppressed(e); // kept for a stack trace, out of the causes the SDK looks at
    }

    boolean answeredBefore() {
      return answeredBefore;
    }
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    ExecutableHttpRequest call = inner.prepareRequest(request);
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() throws IOException {
        try {
          HttpExecuteResponse response = call.call();
          answered = true;
          return response;
        } catch (IOException e) {
          if (!isConnectFailure(e)) {
            throw e;
          }
          Failure f = new Failure(e, answered);
          throw SdkClientException.builder().message(f.getMessage()).cause(f).build();
        }
      }

      @Override
      public void abort() {
        call.abort();
      }
    };
  }

  @Override
  public String clientName() {
    return inner.clientName();
  }

  @Override
  public void close() {
    inner.close();
  }

  /** Whether {@code e} means no connection was made at all (so no request reached the server). */
  static boolean isConnectFailure(IOException e) {
    return e instanceof ConnectException
        || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException
        || e instanceof ConnectTimeoutException;
  }

  /** What the system said: "Connection refused", "x.invalid: Name or service not known"... */
  private static String reason(IOException e) {
    if (e instanceof UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    return String.valueOf(e.getMessage());
  }
}
