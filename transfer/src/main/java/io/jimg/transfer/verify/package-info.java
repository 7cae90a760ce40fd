/** Checksum files and detached OpenPGP signatures, checked as systemd-pull checks them and more strictly. */
package io.jimg.transfer.verify;
