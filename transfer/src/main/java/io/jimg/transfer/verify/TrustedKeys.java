package io.jimg.transfer.verify;

import io.jimg.images.JimgException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

/**
 * The public keys a pull trusts, and where they came from. Discovery follows systemd-pull so that a host set up
 * for it works unchanged: the {@code --keyring} files if any; else jimg's own {@code /etc/jimg/trusted.gpg.d}
 * ({@code *.gpg} and {@code *.asc}); else the first that exists of systemd's keyrings, /etc shadowing /usr.
 */
public final class TrustedKeys {
  static final List<String> SYSTEMD_KEYRINGS = List.of(
      "etc/systemd/import-pubring.pgp", "etc/systemd/import-pubring.gpg",
      "usr/lib/systemd/import-pubring.pgp", "usr/lib/systemd/import-pubring.gpg");
  static final String JIMG_KEYRING_DIRECTORY = "etc/jimg/trusted.gpg.d";
  private static final long MAX_KEYRING_SIZE = 64L * 1024 * 1024;

  private final List<PGPPublicKeyRing> rings;
  private final List<Path> sources;

  private TrustedKeys(List<PGPPublicKeyRing> rings, List<Path> sources) {
    this.rings = List.copyOf(rings);
    this.sources = List.copyOf(sources);
  }

  /** Discovers the keyrings under the file system root {@code root} ("/" outside tests). */
  public static TrustedKeys discover(List<Path> explicitKeyrings, Path root) throws JimgException {
    if (!explicitKeyrings.isEmpty()) {
      return load(explicitKeyrings);
    }
    List<Path> jimgKeyrings = jimgKeyrings(root.resolve(JIMG_KEYRING_DIRECTORY));
    if (!jimgKeyrings.isEmpty()) {
      return load(jimgKeyrings);
    }
    for (String candidate : SYSTEMD_KEYRINGS) {
      Path keyring = root.resolve(candidate);
      if (Files.exists(keyring)) {
        return load(List.of(keyring));
      }
    }
    throw new JimgException(JimgException.Reason.VERIFICATION,
        "no trusted keys: give --keyring, or put keys in /" + JIMG_KEYRING_DIRECTORY
            + " or /etc/systemd/import-pubring.gpg (or use --verify=checksum to skip the signature)");
  }

  private static List<Path> jimgKeyrings(Path directory) throws JimgException {
    List<Path> keyrings = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return keyrings;
    }
    // The host's keyring directory under /etc, which root trusts.
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString().toLowerCase(Locale.ROOT);
        if ((name.endsWith(".gpg") || name.endsWith(".asc")) && Files.isRegularFile(entry)) {
          keyrings.add(entry);
        }
      }
    } catch (IOException e) {
      throw new JimgException(JimgException.Reason.FAILED, "cannot list " + directory + ": " + e.getMessage(), e);
    }
    keyrings.sort(null);
    return keyrings;
  }

  /** Loads binary or armored keyrings; a file that holds no public key is an error. */
  public static TrustedKeys load(List<Path> keyrings) throws JimgException {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    for (Path keyring : keyrings) {
      byte[] bytes;
      try {
        if (Files.size(keyring) > MAX_KEYRING_SIZE) {
          throw new JimgException(JimgException.Reason.VERIFICATION, "keyring " + keyring + " is larger than 64 MiB");
        }
        // A keyring the user named with --keyring, or the host's under /etc or /usr.
        bytes = Files.readAllBytes(keyring);
      } catch (JimgException e) {
        throw e;
      } catch (IOException e) {
        // A keyring that cannot be read (missing, a directory) is the caller's mistake, not a failed verification.
        throw new JimgException(JimgException.Reason.FAILED, "cannot read keyring " + keyring + ": " + e.getMessage(), e);
      }
      List<PGPPublicKeyRing> found = parse(bytes, keyring.toString());
      if (found.isEmpty()) {
        throw new JimgException(JimgException.Reason.VERIFICATION, "keyring " + keyring + " holds no public key");
      }
      rings.addAll(found);
    }
    return new TrustedKeys(rings, keyrings);
  }

  static List<PGPPublicKeyRing> parse(byte[] bytes, String source) throws JimgException {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
      BcPGPObjectFactory factory = new BcPGPObjectFactory(in);
      for (Object object = factory.nextObject(); object != null; object = factory.nextObject()) {
        if (object instanceof PGPPublicKeyRing ring) {
          rings.add(ring);
        } else if (object instanceof PGPSecretKeyRing ring) {
          rings.add(ring.toCertificate());
        } else if (!(object instanceof PGPMarker)) {
          throw new JimgException(JimgException.Reason.VERIFICATION,
              "keyring " + source + " holds a " + object.getClass().getSimpleName() + " where keys should be");
        }
      }
    } catch (JimgException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new JimgException(JimgException.Reason.VERIFICATION,
          "keyring " + source + " is not an OpenPGP keyring: " + e.getMessage(), e);
    }
    return rings;
  }

  List<PGPPublicKeyRing> rings() {
    return rings;
  }

  public List<Path> sources() {
    return sources;
  }

  /** The ids of every primary key, as 16 hex digits, for messages. */
  public List<String> keyIds() {
    List<String> ids = new ArrayList<>();
    for (PGPPublicKeyRing ring : rings) {
      ids.add(KeyIds.format(ring.getPublicKey().getKeyID()));
    }
    return ids;
  }

  /** The key (primary or subkey) with this fingerprint, or null. */
  PGPPublicKey key(byte[] fingerprint) {
    for (PGPPublicKeyRing ring : rings) {
      for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
        PGPPublicKey key = keys.next();
        if (key.hasFingerprint(fingerprint)) {
          return key;
        }
      }
    }
    return null;
  }

  /** Every key (primary or subkey) with this id, with the ring it belongs to. */
  List<PGPPublicKeyRing> ringsHolding(long keyId) {
    List<PGPPublicKeyRing> holding = new ArrayList<>();
    for (PGPPublicKeyRing ring : rings) {
      for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext(); ) {
        if (keys.next().getKeyID() == keyId) {
          holding.add(ring);
          break;
        }
      }
    }
    return holding;
  }
}
