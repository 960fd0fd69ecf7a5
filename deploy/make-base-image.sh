#!/usr/bin/env bash
# Makes a Debian 12 base image with debootstrap, for machines that reach a Debian mirror but
# no image registry (the container test in CI; an air-gapped council). The result is like
# debian:bookworm-slim: a minbase system without documentation, man pages or locales.
#
#   deploy/make-base-image.sh [IMAGE]        (default localhost/debian:bookworm-slim)
#   ACCORD_BASE_IMAGE=localhost/debian:bookworm-slim scripts/build-images.sh
#
# The root file system is cached as a tarball in ${ACCORD_BASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/accord}
# (bookworm-minbase.tar; delete it to refresh), so later runs only import it. Needs root (or
# sudo), debootstrap, and podman or docker (ACCORD_ENGINE). The mirror is the one apt uses
# here, or ACCORD_DEBIAN_MIRROR.
set -euo pipefail
image=${1:-localhost/debian:bookworm-slim}
cache=${ACCORD_BASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/accord}
tarball="$cache/bookworm-minbase.tar"

engine=${ACCORD_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v podman >/dev/null 2>&1; then engine=podman; else engine=docker; fi
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

mirror=${ACCORD_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
  # The first Debian mirror apt is configured with (deb822 sources or sources.list).
  mirror=$(grep -hs -E '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
             /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security |
           grep -o -E 'https?://[^ ]+/debian/?' | head -n 1 || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi
security=${ACCORD_DEBIAN_SECURITY_MIRROR:-${mirror%/debian*}/debian-security}

if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null 2>&1 || { echo "make-base-image: debootstrap is not installed" >&2; exit 1; }
  mkdir -p "$cache"
  root=$(mktemp -d)
  trap '$SUDO rm -rf "$root"' EXIT
  echo "make-base-image: debootstrap bookworm from $mirror" >&2
  $SUDO debootstrap --variant=minbase bookworm "$root" "$mirror" >&2
  # Like the official slim images: apt keeps no package lists or archives, dpkg installs no
  # documentation, man pages or translations.
  $SUDO tee "$root/etc/dpkg/dpkg.cfg.d/slim" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  $SUDO tee "$root/etc/apt/apt.conf.d/docker-clean" >/dev/null <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  $SUDO tee "$root/etc/apt/apt.conf.d/docker-no-languages" >/dev/null <<'EOF'
Acquire::Languages "none";
EOF
  $SUDO tee "$root/etc/apt/sources.list" >/dev/null <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
  $SUDO find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  $SUDO find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  $SUDO rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/lib/apt/lists/* \
    "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/log/*.log
  $SUDO find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias \
    -exec rm -rf {} +
  $SUDO tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
  $SUDO mv "$tarball.tmp" "$tarball"
fi

"$engine" import --change 'CMD ["bash"]' "$tarball" "$image" >/dev/null
echo "make-base-image: $image from $tarball ($(du -h "$tarball" | cut -f1))"
