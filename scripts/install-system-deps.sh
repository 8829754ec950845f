#!/bin/sh
# Debian packages the test suite drives for real. Installed only when missing; needs root
# (CI runs as root). Nothing here is needed to run atlas-graph itself.
set -e
missing=""
for pkg in $(cat "$(dirname "$0")/debian-packages.txt" | grep -v '^#'); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "install-system-deps: missing Debian packages:$missing (run as root, or install them)" >&2
    exit 1
fi
echo "install-system-deps: apt-get install$missing" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
