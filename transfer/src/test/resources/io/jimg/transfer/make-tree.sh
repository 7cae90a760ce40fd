#!/bin/bash
# Builds a tree with every kind of entry a root can hold, for fidelity round trips: make-tree.sh DIR
set -euo pipefail
d=$1
mkdir -p "$d"
cd "$d"
mkdir -m 0755 etc usr usr/bin tmp shared deep
chmod 1777 tmp
chmod 2775 shared
mkdir -m 0700 private
printf 'root:x:0:0::/root:/bin/sh\n' > etc/passwd
: > etc/empty
head -c 100000 /dev/urandom > usr/bin/blob
printf '#!/bin/sh\n' > usr/bin/suid && chmod 4755 usr/bin/suid
printf x > usr/bin/sgid && chown 0:50 usr/bin/sgid && chmod 2711 usr/bin/sgid
printf 'big ids\n' > shared/bigids && chown 70000:70001 shared/bigids
printf 'user\n' > shared/user && chown 1000:1000 shared/user && chmod 0640 shared/user
printf 'linked\n' > etc/hl1 && ln etc/hl1 usr/hl2 && ln etc/hl1 hl3
ln -s ../etc/passwd usr/rel-link
ln -s /etc/passwd abs-link
ln -s does/not/exist dangling
ln -s etc/hl1 link-owned && chown -h 1234:5678 link-owned
mknod chardev c 1 3 && chmod 0666 chardev
mknod blockdev b 7 0 && chmod 0660 blockdev && chown 0:6 blockdev
mkfifo fifo && chmod 0620 fifo
# Names: not UTF-8, long, deep.
printf 'latin1\n' > "$(printf 'caf\xe9')"
long=$(printf 'n%.0s' $(seq 1 200))
printf 'long\n' > "deep/$long"
p=deep; for i in $(seq 1 12); do p="$p/level-$i-xxxxxxxxxxxxxxxxxxxxxxxx"; done
mkdir -p "$p" && printf 'deep\n' > "$p/file"
# xattrs, binary values included; a file capability (cap_net_bind_service, effective).
setfattr -n user.comment -v 'hello world' etc/passwd
setfattr -n user.binary -v 0x00ff10800a0d etc/passwd
setfattr -n user.dir -v yes etc
setfattr -n security.capability -v 0x0100000200040000000000000000000000000000 usr/bin/blob
setfacl -m u:1000:rx,g:100:r shared/user
setfacl -d -m u:1000:rwx,g:100:rx shared
setfacl -m u:2000:rwx shared
# Sparse: 10 MiB with two data runs and a hole at the end; and a file of zeros written densely.
truncate -s 10M sparse
dd if=/dev/urandom of=sparse bs=4096 count=4 seek=256 conv=notrunc status=none
dd if=/dev/urandom of=sparse bs=4096 count=1 seek=1280 conv=notrunc status=none
head -c 1048576 /dev/zero > zeros
# Times to the nanosecond, directories last so that nothing changes them afterwards.
find . -mindepth 1 ! -type d -exec touch -h -d '2021-03-04 05:06:07.123456789' {} +
touch -h -d '1999-12-31 23:59:59.987654321' abs-link
find . -depth -type d -exec touch -d '2020-01-02 03:04:05.500000001' {} +
