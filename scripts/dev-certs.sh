#!/usr/bin/env bash
# Makes a development CA and certificates for mutual TLS between Accord's processes
# (--tls_cert, --tls_key, --tls_ca). Never use these outside a developer's machine.
#
#   scripts/dev-certs.sh [OUT_DIR]     (default .data/certs)
#
# Writes ca.pem/ca.key (the development CA) and accord.pem/accord.key (one certificate for
# every process, server and client, for localhost and 127.0.0.1), plus the certificates the
# refusal tests need: other-ca-client.{pem,key} (signed by another CA) and
# expired-client.{pem,key} (signed by the CA, expired yesterday).
# ACCORD_CERT_SANS adds names to accord.pem, for processes that dial each other by name in
# containers, e.g. ACCORD_CERT_SANS="DNS:accord-registry,DNS:accord-gateway" (docs/deploy.md).
set -euo pipefail
out="${1:-.data/certs}"
mkdir -p "$out"
cd "$out"
umask 077

ext=$(mktemp)
trap 'rm -f "$ext"' EXIT
cat > "$ext" <<EXT
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1${ACCORD_CERT_SANS:+, $ACCORD_CERT_SANS}
EXT

ca() {  # name subject
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/CN=$2" \
    -keyout "$1.key" -out "$1.pem" 2>/dev/null
}
leaf() {  # name ca days
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$1" -keyout "$1.key" \
    -out "$1.csr" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -sha256 \
    -days "$3" -extfile "$ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

ca ca "Accord development CA"
leaf accord ca 365
ca other-ca "Some other CA"
leaf other-ca-client other-ca 365
leaf expired-client ca -1
chmod 600 ./*.key
echo "development certificates in $out: --tls_cert=$out/accord.pem --tls_key=$out/accord.key --tls_ca=$out/ca.pem"
