#!/bin/sh
# Install the Debian packages the project builds and tests with.
# As root: apt-get installs them. Otherwise: print the one line to run, exit 1.
set -eu
PKGS="build-essential pkg-config git clang clang-format libmicrohttpd-dev libcjson-dev \
libsqlite3-dev libcurl4-openssl-dev libcmocka-dev libssl-dev nettle-dev nodejs npm curl wrk nginx-light \
python3 python3-venv python3-pip python3-setuptools python3-wheel python3-pytest python3-twilio \
python3-httpx python3-fastapi python3-jwt locales postgresql postgresql-client"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
# Node.js may come from outside Debian (the machine image); accept any node >= 18.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(printf '%s\n' $missing | grep -v -x -e nodejs -e npm | tr '\n' ' ' || true)
fi
missing=$(echo $missing)

# fake_supabase sorts text in en_US.UTF-8 (as Supabase's databases); the differential test's
# PostgreSQL cluster uses it too. Generate it when the system lacks it (Debian's locales).
ensure_locale() {
    locale -a 2>/dev/null | grep -qi '^en_US\.utf-\?8$' && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: locale en_US.UTF-8 missing; run: sudo sh -c \"sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen && locale-gen\"" >&2
        return 1
    fi
    echo "deps: generating locale en_US.UTF-8" >&2
    grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null ||
        sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen 2>/dev/null ||
        echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen
    grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen || echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen
    locale-gen >/dev/null
}

if [ -z "$missing" ]; then
    ensure_locale
    exit $?
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing packages; run: sudo apt-get install -y $missing" >&2
    exit 1
fi
echo "deps: installing $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
ensure_locale
