package dev.sluice.tls;

import java.io.ByteArrayOutputStream;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;

/**
 * PEM private keys in the three encodings OpenSSL (and so Envoy and Istio) accept: PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}, RFC 8017 appendix A.1.2) and SEC1
 * ({@code EC PRIVATE KEY}, RFC 5915). The JDK reads only PKCS#8, so the other two are wrapped in a
 * PKCS#8 envelope (RFC 5208) first.
 */
final class PrivateKeys {
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
  };
  private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
  private static final byte[] VERSION_ZERO = {0x02, 0x01, 0x00};
  private static final byte[] P256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
  private static final byte[] P384 = {0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x22};
  private static final byte[] P521 = {0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x23};
  private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

  private PrivateKeys() {}

  static PrivateKey parse(List<PemBlocks.Block> blocks, String origin) {
    PrivateKey key = null;
    for (PemBlocks.Block block : blocks) {
      PrivateKey parsed = switch (block.label()) {
        case "PRIVATE KEY" -> pkcs8(block.der(), origin);
        case "RSA PRIVATE KEY" -> pkcs8(wrapPkcs1(block.der()), origin);
        case "EC PRIVATE KEY" -> pkcs8(wrapSec1(block.der(), origin), origin);
        case "ENCRYPTED PRIVATE KEY" -> throw new TlsMaterialException(origin + " holds an encrypted private key; "
            + "encrypted keys are not supported");
        default -> null;
      };
      if (parsed != null) {
        if (key != null) {
          throw new TlsMaterialException(origin + " holds more than one private key");
        }
        key = parsed;
      }
    }
    if (key == null) {
      throw new TlsMaterialException(origin + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }
    return key;
  }

  private static PrivateKey pkcs8(byte[] der, String origin) {
    for (String algorithm : PKCS8_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException | NoSuchAlgorithmException e) {
        // Not this algorithm; try the next one.
      }
    }
    throw new TlsMaterialException(origin + " holds a private key of an unsupported algorithm or encoding");
  }

  private static byte[] wrapPkcs1(byte[] pkcs1) {
    return tlv(0x30, VERSION_ZERO, RSA_ALGORITHM, tlv(0x04, pkcs1));
  }

  /**
   * SEC1 names its curve in the optional [0] parameters; PKCS#8 needs it in the algorithm
   * identifier. Some tools omit the parameters; the curve then follows from the private key's
   * length among the curves TLS certificates use (P-256, P-384, P-521), and the signing probe
   * against the certificate confirms the guess.
   */
  private static byte[] wrapSec1(byte[] sec1, String origin) {
    byte[] curve = null;
    int privateKeyLength = -1;
    try {
      if (sec1[0] != 0x30) {
        throw new TlsMaterialException(origin + " holds an EC PRIVATE KEY that is not a DER sequence");
      }
      int[] outer = header(sec1, 0);
      int at = outer[0];
      int end = outer[0] + outer[1];
      while (at < end) {
        int tag = sec1[at] & 0xff;
        int[] element = header(sec1, at);
        if (tag == 0x04) {
          privateKeyLength = element[1];
        } else if (tag == 0xa0 && sec1[element[0]] == 0x06) {
          int[] oid = header(sec1, element[0]);
          curve = Arrays.copyOfRange(sec1, element[0], oid[0] + oid[1]);
        }
        at = element[0] + element[1];
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new TlsMaterialException(origin + " holds a truncated EC PRIVATE KEY", e);
    }
    if (curve == null) {
      curve = switch (privateKeyLength) {
        case 32 -> P256;
        case 48 -> P384;
        case 65, 66 -> P521;
        default -> throw new TlsMaterialException(origin + " holds an EC private key without a named curve");
      };
    }
    return tlv(0x30, VERSION_ZERO, tlv(0x30, EC_PUBLIC_KEY_OID, curve), tlv(0x04, sec1));
  }

  /** For the DER element at {@code at}: {offset of its content, length of its content}. */
  private static int[] header(byte[] der, int at) {
    int first = der[at + 1] & 0xff;
    if (first < 0x80) {
      return new int[] {at + 2, first};
    }
    int count = first & 0x7f;
    int length = 0;
    for (int i = 0; i < count; i++) {
      length = (length << 8) | (der[at + 2 + i] & 0xff);
    }
    return new int[] {at + 2 + count, length};
  }

  private static byte[] tlv(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      content.writeBytes(part);
    }
    int length = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
    out.write(tag);
    if (length < 0x80) {
      out.write(length);
    } else if (length < 0x100) {
      out.write(0x81);
      out.write(length);
    } else if (length < 0x10000) {
      out.write(0x82);
      out.write(length >> 8);
      out.write(length);
    } else {
      out.write(0x83);
      out.write(length >> 16);
      out.write(length >> 8);
      out.write(length);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
