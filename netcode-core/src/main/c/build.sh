#!/bin/sh
# Builds the JNI library dev.netcode.crypto.SodiumJni loads (see netcode_aead.c), run by Maven in the
# process-classes phase of netcode-core:
#   build.sh <classes dir> <header dir> <java.home> <os.arch>
# and writes <classes dir>/dev/netcode/crypto/native/linux-<os.arch>/libnetcode_aead.so, so the jar carries it.
#
# Without a C compiler (or on a platform other than Linux) it builds nothing and says so: netcode then calls
# libsodium through JNA, which works everywhere but costs ~300 ns more per packet. CC picks the compiler.
set -eu

classes=$1
headers=$2
java_home=$3
arch=$4
source_dir=$(dirname "$0")
cc=${CC:-cc}

if [ "$(uname -s)" != Linux ]; then
    echo "[netcode] JNI AEAD library: not built on $(uname -s) (Linux only); libsodium will be called through JNA" >&2
    exit 0
fi
if ! command -v "$cc" >/dev/null 2>&1; then
    echo "[netcode] JNI AEAD library: not built, no C compiler ('$cc'); libsodium will be called through JNA," \
        "~300 ns slower per packet. Install gcc (or set CC) and rebuild for the fast path." >&2
    exit 0
fi

out_dir="$classes/dev/netcode/crypto/native/linux-$arch"
mkdir -p "$out_dir"
"$cc" -std=c99 -O2 -fPIC -shared -fvisibility=hidden -Wall -Wextra -Werror -Wl,-z,noexecstack \
    -I"$headers" -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$out_dir/libnetcode_aead.so" "$source_dir/netcode_aead.c"
echo "[netcode] JNI AEAD library: built $out_dir/libnetcode_aead.so"
