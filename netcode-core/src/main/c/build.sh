#!/bin/sh
# Builds the JNI libraries of netcode-core, run by Maven in its process-classes phase:
#   build.sh <classes dir> <header dir> <java.home> <os.arch>
# - dev.netcode.crypto.SodiumJni's (see netcode_aead.c):
#   <classes dir>/dev/netcode/crypto/native/linux-<os.arch>/libnetcode_aead.so
# - dev.netcode.transport.NativeUdp's, the recvmmsg/sendmmsg transport (see netcode_udp.c):
#   <classes dir>/dev/netcode/transport/native/linux-<os.arch>/libnetcode_udp.so
# so the jar carries them.
#
# Without a C compiler (or on a platform other than Linux) it builds nothing and says so: netcode then calls
# libsodium through JNA, which works everywhere but costs ~300 ns more per packet, and the native transport is
# unavailable (the JDK's DatagramChannel one serves). CC picks the compiler.
set -eu

classes=$1
headers=$2
java_home=$3
arch=$4
source_dir=$(dirname "$0")
cc=${CC:-cc}

if [ "$(uname -s)" != Linux ]; then
    echo "[netcode] JNI libraries: not built on $(uname -s) (Linux only); libsodium will be called through JNA" >&2
    exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "[netcode] JNI libraries: not built, no C compiler ('$cc'); libsodium will be called through JNA," \
        "~300 ns slower per packet, and the native UDP transport is unavailable. Install gcc (or set CC) and" \
        "rebuild for the fast paths." >&2
    exit 0
fi

# build <package dir> <library name> <source file>
build() {
    out_dir="$classes/$1/native/linux-$arch"
    mkdir -p "$out_dir"
    "$cc" -std=c99 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -Wl,-z,noexecstack \
        -I"$headers" -I"$java_home/include" -I"$java_home/include/linux" \
        -o "$out_dir/lib$2.so" "$source_dir/$3"
    echo "[netcode] JNI library: built $out_dir/lib$2.so"
}

build dev/netcode/crypto netcode_aead netcode_aead.c
build dev/netcode/transport netcode_udp netcode_udp.c
