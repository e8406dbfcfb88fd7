package dev.sluice.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The {@code -----BEGIN X-----} blocks of a PEM document (RFC 7468), decoded. Text outside blocks is ignored. */
final class PemBlocks {
  record Block(String label, byte[] der) {}

  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";
  private static final String DASHES = "-----";

  private PemBlocks() {}

  /**
   * Decodes every block of {@code pem}.
   *
   * @throws TlsMaterialException naming {@code origin} when a block is unterminated or not base64
   */
  static List<Block> parse(byte[] pem, String origin) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    List<Block> blocks = new ArrayList<>();
    int at = 0;
    while (true) {
      int begin = text.indexOf(BEGIN, at);
      if (begin < 0) {
        return blocks;
      }
      int labelEnd = text.indexOf(DASHES, begin + BEGIN.length());
      if (labelEnd < 0) {
        throw new TlsMaterialException(origin + " has a malformed PEM BEGIN line");
      }
      String label = text.substring(begin + BEGIN.length(), labelEnd);
      String endLine = END + label + DASHES;
      int end = text.indexOf(endLine, labelEnd);
      if (end < 0) {
        throw new TlsMaterialException(origin + " has a PEM '" + label + "' block without its END line");
      }
      String body = text.substring(labelEnd + DASHES.length(), end);
      if (body.indexOf(':') >= 0) {
        // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") mean a legacy encrypted key.
        throw new TlsMaterialException(origin + " has an encrypted PEM '" + label + "' block; encrypted keys are not supported");
      }
      try {
        blocks.add(new Block(label, Base64.getMimeDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new TlsMaterialException(origin + " has a PEM '" + label + "' block that is not valid base64", e);
      }
      at = end + endLine.length();
    }
  }
}
