#!/bin/sh
# Install the Debian packages named on the command line when missing: with
# apt-get when run as root, or else print the one line to run, and fail.
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    echo "installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
else
    echo "plainpress needs Debian packages that are not installed (liblouis-bin and liblouis-data for the braille edition; poppler-utils and chromium for the tests). Run:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
