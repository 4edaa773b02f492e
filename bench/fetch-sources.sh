#!/usr/bin/env bash
# Fetches and unpacks the Debian source packages the benchmarks and real-world builds use, through a
# private apt configuration under target/bench/apt: the system's apt setup is never touched. The deb-src
# entries are derived from the system's own deb entries, so no archive host is named here.
# Usage: bench/fetch-sources.sh PACKAGE...   (prints "PACKAGE DIR" per package; cached in target/bench/src)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
apt_dir="$root/target/bench/apt"
src_dir="$root/target/bench/src"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$src_dir"

apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::Cache=$apt_dir/cache"
  -o "Debug::NoLocking=1"
  -q
)
# As root, apt would try to drop to its _apt user, which cannot write into our private directories.
[ "$(id -u)" != 0 ] || apt_opts+=(-o "APT::Sandbox::User=root")

# Turn every active deb entry of the system into the matching deb-src entry.
write_private_sources() {
  : >"$apt_dir/sources.list"
  rm -f "$apt_dir/sources.list.d/"*
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    sed -E 's/^Types:.*$/Types: deb-src/' "$f" >"$apt_dir/sources.list.d/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >>"$apt_dir/sources.list"
  done
}

ensure_lists() {
  # Refresh the private index at most once a day.
  if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*Sources*' -mtime -1 2>/dev/null | head -1)" ]; then
    write_private_sources
    apt-get "${apt_opts[@]}" update >&2
  fi
}

# `apt-get source PACKAGE` in the current directory; if the newest version cannot be fetched (a
# mirror may list a security update whose files it does not serve), each other version the index
# lists, newest first.
fetch_source() {
  local pkg="$1" version
  apt-get "${apt_opts[@]}" source "$pkg" >&2 && return 0
  for version in $(apt-cache "${apt_opts[@]}" showsrc "$pkg" | sed -n 's/^Version: //p' | sort -u -V -r); do
    echo "retrying with $pkg=$version" >&2
    find . -mindepth 1 -delete
    apt-get "${apt_opts[@]}" source "$pkg=$version" >&2 && return 0
  done
  return 1
}

command -v dpkg-source >/dev/null || { echo "fatal error: dpkg-source missing (apt-get install dpkg-dev)" >&2; exit 1; }

for pkg in "$@"; do
  dir="$(find "$src_dir/$pkg" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -1 || true)"
  if [ -z "$dir" ]; then
    ensure_lists
    rm -rf "$src_dir/$pkg.tmp"
    mkdir -p "$src_dir/$pkg.tmp"
    (cd "$src_dir/$pkg.tmp" && fetch_source "$pkg")
    # Keep only the unpacked tree; the .dsc/.orig/.debian files are not needed afterwards.
    find "$src_dir/$pkg.tmp" -mindepth 1 -maxdepth 1 -type f -delete
    rm -rf "$src_dir/$pkg"
    mv "$src_dir/$pkg.tmp" "$src_dir/$pkg"
    dir="$(find "$src_dir/$pkg" -mindepth 1 -maxdepth 1 -type d | head -1)"
  fi
  echo "$pkg $dir"
done
