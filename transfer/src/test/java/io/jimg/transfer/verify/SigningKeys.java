package io.jimg.transfer.verify;

import io.jimg.btrfs.testing.Requirements;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Real GnuPG with two signing keys made once per test class: a publisher's, and a stranger's nobody trusts. */
public final class SigningKeys implements BeforeAllCallback, AfterAllCallback {
  private Gnupg gpg;
  private String publisher;
  private String stranger;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Requirements.requireTool("gpg");
    gpg = new Gnupg();
    publisher = gpg.generateKey("Publisher <publisher@example.org>", null, "never");
    stranger = gpg.generateKey("Stranger <stranger@example.org>", null, "never");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (gpg != null) {
      gpg.close();
    }
  }

  public Gnupg gpg() {
    return gpg;
  }

  /** The fingerprint of the key that signs releases. */
  public String publisher() {
    return publisher;
  }

  /** The fingerprint of a key no test trusts. */
  public String stranger() {
    return stranger;
  }
}
