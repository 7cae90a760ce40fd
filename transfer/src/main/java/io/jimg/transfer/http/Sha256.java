package io.jimg.transfer.http;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;

/**
 * The SHA-256 of a download (or of an imported file), computed as it streams. A pull cannot unpack before its download is hashed, so the
 * hash is on every pull's critical path: OpenSSL's libcrypto uses the CPU's SHA instructions (above 1 GB/s here),
 * while the JDK's code, compiled by C1 as bin/jimg runs it, manages about 75 MB/s. The JDK's is the fallback
 * where libcrypto does not load.
 */
public abstract class Sha256 implements AutoCloseable {
  public static final int LENGTH = 32;

  /** A fresh digest; {@link #close()} it, whether or not {@link #digest()} was called. */
  public static Sha256 create() {
    LibCrypto crypto = OpenSsl.LIBCRYPTO;
    return crypto != null ? new OpenSsl(crypto) : new Jdk();
  }

  /** Adds {@code length} bytes of {@code bytes} from {@code offset}, without copying them. */
  public abstract void update(byte[] bytes, int offset, int length);

  /** The digest of everything added; call once. */
  public abstract byte[] digest();

  @Override
  public void close() {}

  /** The EVP calls of libcrypto 1.1 and 3, the versions Debian ships. */
  public interface LibCrypto {
    Pointer EVP_MD_CTX_new();

    void EVP_MD_CTX_free(Pointer context);

    Pointer EVP_sha256();

    int EVP_DigestInit_ex(Pointer context, Pointer type, Pointer engine);

    /** Data as a buffer, not an array: jnr-ffi passes a wrapped array from its offset, with no copy made first. */
    int EVP_DigestUpdate(Pointer context, @In ByteBuffer data, @size_t long count);

    int EVP_DigestFinal_ex(Pointer context, @Out byte[] digest, Pointer length);
  }

  private static final class OpenSsl extends Sha256 {
    static final LibCrypto LIBCRYPTO = load();

    private final LibCrypto crypto;
    private Pointer context;

    OpenSsl(LibCrypto crypto) {
      this.crypto = crypto;
      context = crypto.EVP_MD_CTX_new();
      if (context == null || crypto.EVP_DigestInit_ex(context, crypto.EVP_sha256(), null) != 1) {
        close();
        throw new IllegalStateException("libcrypto could not start a SHA-256 digest");
      }
    }

    private static LibCrypto load() {
      try {
        return LibraryLoader.create(LibCrypto.class).failImmediately().load("crypto");
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        return null; // no libcrypto on this host: the JDK's digest does the job, more slowly
      }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      if (length > 0 && crypto.EVP_DigestUpdate(context, ByteBuffer.wrap(bytes, offset, length), length) != 1) {
        throw new IllegalStateException("libcrypto's SHA-256 update failed");
      }
    }

    @Override
    public byte[] digest() {
      byte[] digest = new byte[LENGTH];
      if (crypto.EVP_DigestFinal_ex(context, digest, null) != 1) {
        throw new IllegalStateException("libcrypto's SHA-256 could not finish");
      }
      return digest;
    }

    @Override
    public void close() {
      if (context != null) {
        crypto.EVP_MD_CTX_free(context);
        context = null;
      }
    }
  }

  private static final class Jdk extends Sha256 {
    private final MessageDigest digest;

    Jdk() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError("every JDK has SHA-256", e);
      }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      digest.update(bytes, offset, length);
    }

    @Override
    public byte[] digest() {
      return digest.digest();
    }
  }
}
