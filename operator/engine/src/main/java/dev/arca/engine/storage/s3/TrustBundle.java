package dev.arca.engine.storage.s3;

import dev.arca.engine.ArcaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.http.TlsTrustManagersProvider;

/** Trusts the certificate authorities of a PEM bundle in addition to the system's. */
final class TrustBundle {
  private TrustBundle() {}

  static TlsTrustManagersProvider withSystemDefaults(Path pem) {
    X509TrustManager bundle = load(pem);
    X509TrustManager system = trustManager(null);
    X509TrustManager both =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            system.checkClientTrusted(chain, authType);
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType)
              throws CertificateException {
            try {
              bundle.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
              system.checkServerTrusted(chain, authType);
            }
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = bundle.getAcceptedIssuers();
            X509Certificate[] b = system.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
          }
        };
    return () -> new TrustManager[] {both};
  }

  private static X509TrustManager load(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw ArcaException.usage("CA bundle " + pem + " holds no PEM certificates");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      return trustManager(ks);
    } catch (IOException | GeneralSecurityException e) {
      throw ArcaException.usage("cannot read CA bundle " + pem + ": " + e.getMessage());
    }
  }

  private static X509TrustManager trustManager(KeyStore ks) {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(ks);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X.509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
    }
  }
}
