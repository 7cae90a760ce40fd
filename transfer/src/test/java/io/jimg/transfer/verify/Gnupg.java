package io.jimg.transfer.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real GnuPG in a private temporary GNUPGHOME: makes keys, signatures and revocations exactly as a publisher
 * would. Times are given as GnuPG's {@code --faked-system-time} values ({@code 20200101T000000}), or null.
 */
public final class Gnupg implements AutoCloseable {
  private static final String PASSPHRASE = "test";
  private final Path home;

  public Gnupg() throws IOException {
    home = Files.createTempDirectory("jimg-gnupg-");
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    // The agent otherwise calibrates passphrase hashing to take most of a second per key operation.
    Files.writeString(home.resolve("gpg-agent.conf"), "s2k-count 65536\n");
  }

  /** Makes a signing key and returns its fingerprint. */
  public String generateKey(String userId, String time, String expire) throws IOException {
    run(null, time, "--quick-gen-key", userId, "ed25519", "sign", expire);
    List<String> fingerprints = fingerprints(userId);
    return fingerprints.get(fingerprints.size() - 1);
  }

  /**
   * Adds a signing subkey, which GnuPG then prefers for signing; returns the subkey's fingerprint. {@code options}
   * go to gpg as they are (a {@code --cert-notation} lands in the subkey's binding signature).
   */
  public String addSigningSubkey(String fingerprint, String time, String... options) throws IOException {
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("--quick-add-key", fingerprint, "ed25519", "sign", "never"));
    run(null, time, args.toArray(String[]::new));
    List<String> fingerprints = fingerprints(fingerprint);
    return fingerprints.get(fingerprints.size() - 1);
  }

  /** Sets the expiry of the primary key, or of the given subkeys. */
  public void setExpiry(String fingerprint, String time, String expire, String... subkeys) throws IOException {
    List<String> args = new ArrayList<>(List.of("--quick-set-expire", fingerprint, expire));
    args.addAll(List.of(subkeys));
    run(null, time, args.toArray(String[]::new));
  }

  /** Revokes a subkey as {@code gpg --edit-key}'s revkey does; {@code reason} as for {@link #revoke}. */
  public void revokeSubkey(String fingerprint, String subkey, int reason, String time) throws IOException {
    edit(fingerprint, time, "key " + subkey + "\nrevkey\ny\n" + reason + "\ntest revocation\n\ny\nsave\n");
  }

  /**
   * Gives a subkey a new binding signature with other capabilities, as {@code gpg --expert --edit-key}'s
   * change-usage does: {@code toggles} are its menu letters (S sign, A authenticate).
   */
  public void changeUsage(String fingerprint, String subkey, String time, String toggles) throws IOException {
    StringBuilder commands = new StringBuilder("key " + subkey + "\nchange-usage\n");
    for (char toggle : toggles.toCharArray()) {
      commands.append(toggle).append('\n');
    }
    edit(fingerprint, time, commands + "Q\nsave\n");
  }

  /**
   * Revokes a key with a revocation certificate made at {@code time} and imports it. {@code reason} is GnuPG's
   * menu choice: 0 no reason, 1 compromised, 2 superseded, 3 no longer used.
   */
  public void revoke(String fingerprint, int reason, String time) throws IOException {
    revokeWith("--gen-revoke", fingerprint, reason, time);
  }

  /** Names {@code revoker} as a designated revoker of a key, as {@code gpg --edit-key}'s addrevoker does. */
  public void addRevoker(String fingerprint, String revoker, String time) throws IOException {
    edit(fingerprint, time, "addrevoker\n" + revoker + "\ny\nsave\n");
  }

  /** Revokes a key in the name of its designated revoker, whose secret key is here, and imports the revocation. */
  public void revokeAsDesignatedRevoker(String fingerprint, int reason, String time) throws IOException {
    revokeWith("--desig-revoke", fingerprint, reason, time);
  }

  private void revokeWith(String command, String fingerprint, int reason, String time) throws IOException {
    Path certificate = home.resolve("revoke-" + System.nanoTime() + ".asc");
    String answers = "y\n" + reason + "\ntest revocation\n\ny\n";
    interactive(time, answers, "-a", "-o", certificate.toString(), command, fingerprint);
    run(null, null, "--import", certificate.toString());
  }

  private void edit(String fingerprint, String time, String commands) throws IOException {
    interactive(time, commands, "--expert", "--edit-key", fingerprint);
  }

  /** Runs gpg reading its answers to questions from {@code answers}, as a person at a terminal would give them. */
  private void interactive(String time, String answers, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("gpg", "--no-tty", "--command-fd", "0", "--pinentry-mode", "loopback",
        "--passphrase", PASSPHRASE));
    if (time != null) {
      command.add("--faked-system-time");
      command.add(time + "!");
    }
    command.addAll(List.of(args));
    exec(command, answers.getBytes(StandardCharsets.US_ASCII));
  }

  /** A detached signature by the default (newest signing) key of {@code signer}. */
  public byte[] detachSign(String signer, byte[] data, String time, boolean armor) throws IOException {
    return sign(signer, data, time, armor ? List.of("--armor", "--detach-sign") : List.of("--detach-sign"));
  }

  /**
   * A binary detached signature made with more of gpg's options, as a publisher would give them: {@code
   * --default-sig-expire seconds=5}, {@code --sig-notation '!name@example.org=value'}, {@code --ignore-time-conflict}.
   * A {@code signer} ending in {@code !} names exactly the (sub)key to sign with.
   */
  public byte[] detachSign(String signer, byte[] data, String time, String... options) throws IOException {
    List<String> mode = new ArrayList<>(List.of(options));
    mode.add("--detach-sign");
    return sign(signer, data, time, mode);
  }

  /** A signed message (compressed, one-pass signed, data inline), as {@code gpg --sign} writes it. */
  public byte[] inlineSign(String signer, byte[] data) throws IOException {
    return sign(signer, data, null, List.of("--sign"));
  }

  public byte[] clearSign(String signer, byte[] data) throws IOException {
    return sign(signer, data, null, List.of("--clearsign"));
  }

  private byte[] sign(String signer, byte[] data, String time, List<String> mode) throws IOException {
    Path input = home.resolve("data-" + System.nanoTime());
    Path output = home.resolve("sig-" + System.nanoTime());
    Files.write(input, data);
    List<String> args = new ArrayList<>(List.of("--local-user", signer, "-o", output.toString()));
    args.addAll(mode);
    args.add(input.toString());
    run(null, time, args.toArray(String[]::new));
    return Files.readAllBytes(output);
  }

  /** The public keys (binary, as a keyring file holds them), or armored. */
  public byte[] exportPublic(boolean armor, String... fingerprints) throws IOException {
    List<String> args = new ArrayList<>(List.of("--export"));
    if (armor) {
      args.add("--armor");
    }
    args.addAll(List.of(fingerprints));
    return run(null, null, args.toArray(String[]::new));
  }

  /** The secret keys, protected by the passphrase {@link #passphrase()}. */
  public byte[] exportSecret(String fingerprint) throws IOException {
    return run(null, null, "--export-secret-keys", fingerprint);
  }

  public static String passphrase() {
    return PASSPHRASE;
  }

  /** Writes the public keys as a keyring file and returns it. */
  public Path keyring(Path directory, String name, boolean armor, String... fingerprints) throws IOException {
    Path file = directory.resolve(name);
    Files.createDirectories(directory);
    Files.write(file, exportPublic(armor, fingerprints));
    return file;
  }

  private List<String> fingerprints(String key) throws IOException {
    String listing = new String(run(null, null, "--with-colons", "--list-keys", key), StandardCharsets.UTF_8);
    List<String> fingerprints = new ArrayList<>();
    for (String line : listing.split("\n")) {
      if (line.startsWith("fpr:")) {
        fingerprints.add(line.split(":")[9]);
      }
    }
    return fingerprints;
  }

  private byte[] run(byte[] input, String time, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--quiet", "--yes", "--pinentry-mode", "loopback",
        "--passphrase", PASSPHRASE));
    if (time != null) {
      command.add("--faked-system-time");
      command.add(time + "!");
    }
    command.addAll(List.of(args));
    return exec(command, input);
  }

  private byte[] exec(List<String> command, byte[] input) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("GNUPGHOME", home.toString());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    try {
      if (input != null) {
        process.getOutputStream().write(input);
      }
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (process.waitFor() != 0) {
        throw new IOException("gpg failed (" + process.exitValue() + "): " + command);
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    ProcessBuilder kill = new ProcessBuilder("gpgconf", "--kill", "gpg-agent");
    kill.environment().put("GNUPGHOME", home.toString());
    try {
      kill.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> paths = Files.walk(home)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
