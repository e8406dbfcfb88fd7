package dev.sluice.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Mints CAs and leaf certificates (ECDSA P-256, or RSA) for tests, the way Istio's CA shapes workload certificates. */
public final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(0x1000);

  public record Issued(X509Certificate certificate, KeyPair keyPair) {
    public String certificatePem() {
      return pem(certificate);
    }

    /** PKCS#8 ({@code PRIVATE KEY}). */
    public String keyPem() {
      return pkcs8Pem(keyPair.getPrivate());
    }

    /** OpenSSL's traditional form: {@code RSA PRIVATE KEY} (PKCS#1) or {@code EC PRIVATE KEY} (SEC1). */
    String traditionalKeyPem() {
      return write(keyPair.getPrivate());
    }

    /** SEC1 with its named curve in the [0] parameters, as {@code openssl ec} writes it. */
    String sec1WithCurvePem() {
      try {
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) keyPair.getPrivate();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(), null,
            org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1);
        return write(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    public BigInteger serial() {
      return certificate.getSerialNumber();
    }
  }

  private TestPki() {}

  public static Issued ca(String commonName) {
    KeyPair keys = ecKeys();
    Instant now = Instant.now();
    return sign(new X500Name("CN=" + commonName + ",O=Sluice Test"), keys, null, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(10)), true, List.of(), List.of());
  }

  public static Issued leaf(Issued ca, String commonName, List<String> uris, List<String> dnsNames) {
    Instant now = Instant.now();
    return leaf(ca, commonName, uris, dnsNames, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
  }

  public static Issued leaf(Issued ca, String commonName, List<String> uris, List<String> dnsNames, Instant notBefore,
      Instant notAfter) {
    return sign(new X500Name("CN=" + commonName + ",O=Sluice Test"), ecKeys(), ca, notBefore, notAfter, false, uris,
        dnsNames);
  }

  public static Issued rsaLeaf(Issued ca, String commonName, List<String> dnsNames) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      Instant now = Instant.now();
      return sign(new X500Name("CN=" + commonName), generator.generateKeyPair(), ca, now.minus(Duration.ofHours(1)),
          now.plus(Duration.ofDays(1)), false, List.of(), dnsNames);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued sign(X500Name subject, KeyPair keys, Issued issuer, Instant notBefore, Instant notAfter,
      boolean isCa, List<String> uris, List<String> dnsNames) {
    try {
      X500Name issuerName = issuer == null ? subject
          : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
          keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        List<GeneralName> names = new ArrayList<>();
        uris.forEach(uri -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        if (!names.isEmpty()) {
          builder.addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names.toArray(new GeneralName[0])));
        }
      }
      PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.keyPair().getPrivate();
      String algorithm = signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(signingKey);
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new Issued(certificate, keys);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pem(X509Certificate... certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      out.append(write(certificate));
    }
    return out.toString();
  }

  public static String pkcs8Pem(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }
}
