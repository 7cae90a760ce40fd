package io.jimg.btrfs;

import io.jimg.btrfs.testing.Commands;
import java.nio.file.Path;

/** Source trees for copy and removal tests, made with the usual tools so that jimg's own code judges nothing. */
final class SourceTrees {
  private SourceTrees() {}

  /** A 20-byte security.capability (v2, effective, cap_net_raw): binary, with zero bytes in it. */
  static final String CAPABILITY = "0x0100000200200000000000000000000000000000";

  /**
   * Fills the empty directory {@code root} with every kind of entry a root holds: owners beyond 65535 and 2^31,
   * setuid/setgid/sticky modes, ACLs, security/trusted/user xattrs with binary values, hard links (of a file,
   * a fifo and a symlink, across directories), sparse files, devices, a fifo, a socket, symlinks pointing out
   * of the tree (one at the directory {@code outside}), names that are not UTF-8, and distinct nanosecond
   * access and modification times on everything, directories set last.
   */
  static void buildEveryKind(Path root, Path outside) {
    Commands.run("bash", "-c", """
        set -euo pipefail
        cd "$1"
        mkdir -p dir/sub empty sticky setgid-dir acl-dir $'d\\xff\\xfe'
        printf 'hello\\n' > file
        head -c 1048576 /dev/urandom > dense
        truncate -s 8M sparse
        dd if=/dev/urandom of=sparse bs=64K count=1 conv=notrunc status=none
        dd if=/dev/urandom of=sparse bs=64K count=1 seek=64 conv=notrunc status=none
        truncate -s 4M all-hole
        head -c 100000 /dev/urandom > $'d\\xff\\xfe/caf\\xe9'
        printf x > dir/sub/leaf
        printf setuid > setuid
        printf setgid > setgid
        printf caps > caps
        printf shared > shared
        printf group > group-writable
        ln file hard1
        ln file dir/sub/hard2
        ln dense $'d\\xff\\xfe/dense-link'
        ln -s /etc/hostname abs-link
        ln -s ../file dir/rel-link
        ln -s "$2" outside-link
        ln -s no-such-target dangling
        ln -P abs-link dir/abs-link-hard
        mknod chardev c 1 3
        mknod blockdev b 7 200
        mkfifo fifo
        ln fifo dir/fifo-link
        perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => "socket", Listen => 1) or die "socket: $!"'
        chown 100000:200000 file
        chown 4000000000:3000000000 dense
        chown -h 70000:70001 abs-link
        chown 1000:1001 setuid setgid caps chardev fifo dir/sub
        chown 0:65534 sticky
        chown 1234:5678 .
        setfacl -m u:1234:rwx,g:4321:r acl-dir
        setfacl -d -m u:1234:rx,g:4321:rwx acl-dir
        setfacl -m u:5:r file
        chmod 4755 setuid
        chmod 2755 setgid
        chmod 6711 caps
        chmod 1777 sticky
        chmod 2775 setgid-dir
        chmod 0600 chardev
        chmod 0640 fifo
        chmod 0 empty
        chmod 0666 shared
        chmod 0664 group-writable
        chmod 0751 .
        setfattr -n security.capability -v %s caps
        setfattr -n user.binary -v 0x00ff00fe0a file
        setfattr -n user.empty -v 0x dense
        setfattr -n trusted.secret -v 0xdeadbeef00 dir
        setfattr -n user.on-dir -v 0x01 dir/sub
        setfattr -n trusted.top -v 0x7f00 .
        setfattr -h -n trusted.on-link -v 0x0102 abs-link
        setfattr -n trusted.on-fifo -v 0x03 fifo
        n=0
        find . -depth -print0 | while IFS= read -r -d '' entry; do
          n=$((n + 1))
          touch -h -a -d "2001-02-03 04:05:06.$(printf %%09d $((123456000 + n)))" "$entry"
          touch -h -m -d "1999-12-31 23:59:59.$(printf %%09d $((987654000 + n)))" "$entry"
        done
        """.formatted(CAPABILITY), "bash", root.toString(), outside.toString());
  }

  /** A chain of {@code depth} directories with 40-byte names (far beyond PATH_MAX) and a file at the bottom. */
  static void buildDeep(Path root, int depth) {
    Commands.run("perl", "-e", """
        chdir $ARGV[0] or die "chdir: $!";
        open T, ">top" or die; print T "top"; close T;
        my $name = "x" x 40;
        for (1 .. $ARGV[1]) { mkdir $name or die "mkdir: $!"; chdir $name or die "chdir: $!"; }
        open F, ">leaf" or die; print F "deep"; close F;
        link "$ARGV[0]/top", "top-link" or die "link: $!";
        """, root.toString(), Integer.toString(depth));
  }
}
