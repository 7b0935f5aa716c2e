#!/bin/sh
# Builds Retrovisor's Linux guest: the kernel (Debian's linux-source-6.1),
# the debug-info variant, and the initramfs with our own init.
#
#   apt-get install linux-source-6.1 gcc-riscv64-linux-gnu gcc-riscv64-unknown-elf \
#                   bc flex bison libelf-dev cpio
#   guests/linux/build.sh [WORKDIR]        # default /tmp/retrovisor-linux
#
# Outputs (committed, so tests need no toolchain) go to guests/linux/build/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/retrovisor-linux}
out=$here/build
jobs=$(nproc)
mkdir -p "$work" "$out"

src=$work/linux-source-6.1
if [ ! -d "$src" ]; then
  tar -C "$work" -xf /usr/src/linux-source-6.1.tar.xz
fi

# Reproducible: the same sources give the same Image.
export KBUILD_BUILD_TIMESTAMP='2024-01-01 00:00:00 UTC'
export KBUILD_BUILD_USER=retrovisor
export KBUILD_BUILD_HOST=retrovisor
export KBUILD_BUILD_VERSION=1
build_kernel() { # build_kernel DIR FRAGMENT...
  dir=$1; shift
  mkdir -p "$dir"
  make -C "$src" O="$dir" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- tinyconfig >/dev/null
  "$src/scripts/kconfig/merge_config.sh" -m -O "$dir" "$dir/.config" "$@" >/dev/null
  make -C "$src" O="$dir" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- olddefconfig >/dev/null
  for f in "$@"; do
    # Every option we ask for must have survived olddefconfig (a typo or a missing dependency otherwise goes unnoticed).
    grep '^CONFIG_' "$f" | while IFS= read -r line; do
      name=${line%%=*}; value=${line#*=}
      if [ "$value" = n ]; then
        if grep -q "^$name=" "$dir/.config"; then echo "build.sh: $name is set, wanted n" >&2; exit 1; fi
      elif ! grep -qx "$line" "$dir/.config"; then
        echo "build.sh: $line did not survive olddefconfig (got: $(grep "^$name=" "$dir/.config" || echo unset))" >&2; exit 1
      fi
    done
  done
  # No build ID: it hashes the debug info too, and the two variants must be the same bytes. Linux 6.1
  # has --build-id=sha1 in LDFLAGS_vmlinux; the other flags that variable can hold come with options
  # this config does not set (checked here), so replacing it drops nothing else.
  for opt in DYNAMIC_FTRACE LD_DEAD_CODE_DATA_ELIMINATION STRIP_ASM_SYMS RELR LD_ORPHAN_WARN; do
    if grep -q "^CONFIG_$opt=y" "$dir/.config"; then echo "build.sh: CONFIG_$opt needs its LDFLAGS_vmlinux" >&2; exit 1; fi
  done
  make -C "$src" O="$dir" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j"$jobs" LDFLAGS_vmlinux=--build-id=none Image >/dev/null
}

build_kernel "$work/kernel" "$here/kernel.config"
build_kernel "$work/kernel-debug" "$here/kernel.config" "$here/debug.config"

# An RV64 kernel, only for its Image header: the bad-input tests check that an RV64 Image is refused.
mkdir -p "$work/kernel-rv64"
make -C "$src" O="$work/kernel-rv64" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- tinyconfig >/dev/null
make -C "$src" O="$work/kernel-rv64" ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -j"$jobs" Image >/dev/null
head -c 4096 "$work/kernel-rv64/arch/riscv/boot/Image" > "$out/rv64-Image-head"

# The debug variant must be the very same code: one recording, symbolized by its vmlinux.
if ! cmp -s "$work/kernel/arch/riscv/boot/Image" "$work/kernel-debug/arch/riscv/boot/Image"; then
  echo "build.sh: the debug-info Image differs from the plain one" >&2
  exit 1
fi

# The init: our own shell, built against the kernel's nolibc and UAPI headers.
make -C "$src" O="$work/kernel" ARCH=riscv headers_install INSTALL_HDR_PATH="$work/uapi" >/dev/null
riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 -Os -static -nostdlib -ffreestanding \
  -fno-asynchronous-unwind-tables -fno-ident -Wall -Wextra -Werror \
  -isystem "$work/uapi/include" -I "$src/tools/include/nolibc" -I "$here/init" \
  -include "$here/init/rv32-syscalls.h" \
  -o "$work/init" "$here/init/init.c" -lgcc
riscv64-unknown-elf-strip "$work/init"

# The initramfs (newc cpio, built without root by the kernel's gen_init_cpio): /init, the
# console node the kernel opens for it, and the directories it mounts /proc, /sys and /dev on.
cc -O2 -o "$work/gen_init_cpio" "$src/usr/gen_init_cpio.c"
cat > "$work/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $work/init 0755 0 0
LIST
"$work/gen_init_cpio" -t 1704067200 "$work/initramfs.list" > "$out/initramfs.cpio"

cp "$work/kernel/arch/riscv/boot/Image" "$out/Image"
cp "$work/kernel/.config" "$here/kernel.config.full"
gzip -9n < "$work/kernel-debug/vmlinux" > "$out/vmlinux-debug.gz"
ls -l "$out"

# A small disk for virtio-blk: text in sector 0, the byte values 0-255 in sector 1, zeros after.
node -e '
const disk = Buffer.alloc(64 * 1024);
disk.write("Retrovisor test disk. This is sector 0 of guests/linux/build/disk.img, read by the guest through virtio-blk.\n");
for (let i = 0; i < 512; i++) disk[512 + i] = i & 0xff;
require("fs").writeFileSync(process.argv[1], disk);
' "$out/disk.img"
