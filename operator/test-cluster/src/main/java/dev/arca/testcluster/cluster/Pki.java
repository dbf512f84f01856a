package dev.arca.testcluster.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates and keys of one local cluster, made fresh for every run and written as PEM files
 * into its folder: a CA, the API server's serving certificate, client certificates for the admin
 * and the control-plane components, and the service-account signing key pair. Nothing outlives the
 * run.
 */
public final class Pki {
  /** A certificate and its private key, as PEM files. */
  public record CertFiles(Path cert, Path key) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration VALIDITY = Duration.ofDays(2);

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private Pki(Path dir) throws GeneralSecurityException, IOException {
    this.dir = dir;
    this.caKeys = rsa();
    X500Name name = new X500Name("CN=arca-e2e-ca");
    X509v3CertificateBuilder b = builder(name, name, caKeys);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.ca = sign(b, caKeys.getPrivate());
    Files.writeString(caCert(), pem("CERTIFICATE", ca.getEncoded()));
  }

  /** A new CA in {@code dir} (which must exist). */
  public static Pki create(Path dir) {
    try {
      return new Pki(dir);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the test CA: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path caCert() {
    return dir.resolve("ca.crt");
  }

  /** A serving certificate for the given IP addresses and DNS names. */
  public CertFiles server(String name, List<String> ips, List<String> dnsNames) {
    GeneralName[] sans =
        java.util.stream.Stream.concat(
                ips.stream().map(ip -> new GeneralName(GeneralName.iPAddress, ip)),
                dnsNames.stream().map(d -> new GeneralName(GeneralName.dNSName, d)))
            .toArray(GeneralName[]::new);
    return issue(name, "CN=" + name, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans));
  }

  /** A client certificate for user {@code user} in {@code group} (null: none). */
  public CertFiles client(String file, String user, String group) {
    String subject = "CN=" + user + (group == null ? "" : ",O=" + group);
    return issue(file, subject, KeyPurposeId.id_kp_clientAuth, null);
  }

  /** The service-account token signing key pair: {@code sa.key} and {@code sa.pub}. */
  public CertFiles serviceAccountKeys() {
    try {
      KeyPair k = rsa();
      Path key = dir.resolve("sa.key");
      Path pub = dir.resolve("sa.pub");
      Files.writeString(key, pem("PRIVATE KEY", k.getPrivate().getEncoded()));
      Files.writeString(pub, pem("PUBLIC KEY", k.getPublic().getEncoded()));
      return new CertFiles(pub, key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private CertFiles issue(String file, String subject, KeyPurposeId use, GeneralNames sans) {
    try {
      KeyPair k = rsa();
      X509v3CertificateBuilder b =
          builder(new X500Name("CN=arca-e2e-ca"), new X500Name(subject), k);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(use));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      X509Certificate cert = sign(b, caKeys.getPrivate());
      CertFiles out = new CertFiles(dir.resolve(file + ".crt"), dir.resolve(file + ".key"));
      Files.writeString(out.cert(), pem("CERTIFICATE", cert.getEncoded()));
      Files.writeString(out.key(), pem("PRIVATE KEY", k.getPrivate().getEncoded()));
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue " + subject + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair k) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(VALIDITY)),
        subject,
        k.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair rsa() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048, RANDOM);
    return g.generateKeyPair();
  }

  static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
