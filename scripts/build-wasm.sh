#!/usr/bin/env bash
# Builds wasm/myelin.wasm from native/core with Debian's rustc-web toolchain
# (../shared/design/TOOLCHAIN.md): offline, from the vendored std sources, so the
# bytes are reproducible; CI rebuilds it and fails if they differ from the
# committed file. Needs: apt-get install rustc-web rust-web-src (and rustup's
# rust-lld as the linker).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/wasm"
if [ ! -x /usr/bin/rustc ] || ! /usr/bin/rustc --version | grep -q '^rustc 1\.96'; then
  echo "build-wasm: needs Debian's rustc-web 1.96 at /usr/bin/rustc (apt-get install rustc-web rust-web-src)" >&2
  exit 2
fi
lld="$(rustc --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld"
[ -x "$lld" ] || lld=$(command -v rust-lld || command -v wasm-ld || true)
[ -n "$lld" ] || { echo "build-wasm: no rust-lld or wasm-ld found" >&2; exit 2; }
out=${1:-$root/wasm/myelin.wasm}
# Paths of the checkout and of cargo's home must not leak into the bytes.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$lld"
export CARGO_ENCODED_RUSTFLAGS=$(printf '%s\x1f' -C target-feature=+simd128 -Z unstable-options -C panic=immediate-abort \
  "--remap-path-prefix=$root=/myelin" "--remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo" \
  "--remap-path-prefix=/usr/src/rustc-1.96.0=/rustc" "--remap-path-prefix=/usr/lib/rustlib/src/rust=/rustc" | sed 's/\x1f$//')
cargo build --release --quiet --target-dir "$root/wasm/target"
cp "$root/wasm/target/wasm32-unknown-unknown/release/myelin_wasm.wasm" "$out"
echo "build-wasm: wrote $out ($(stat -c %s "$out") bytes)"
