#!/bin/sh
# Install autovenv for this user and hook it into the shell.
#
#   from a checkout:   sh install.sh                       installs that checkout
#   from anywhere:     curl -fsSL <url>/install.sh | sh    installs autovenv-hook from PyPI
#
# autovenv gets an environment of its own under ${XDG_DATA_HOME:-~/.local/share}/autovenv/venv,
# made with a real Python >= 3.9 (not a venv's, not a pyenv shim), a link in ~/.local/bin, and
# the hook line in your shell's rc file (`autovenv init`). Running it again upgrades in place.
# On any failure it exits non-zero and leaves things as they were.
set -eu

PACKAGE=autovenv-hook

usage() {
    cat <<'EOF'
usage: sh install.sh [--shell NAME] [--no-modify-rc] [--python PATH]
       sh install.sh --uninstall [--purge]

Installs autovenv (a checkout when run from one, else autovenv-hook from PyPI) into
${XDG_DATA_HOME:-~/.local/share}/autovenv/venv, links it as ~/.local/bin/autovenv and adds
the hook line to your shell's rc file. Run it again to upgrade.

  --shell NAME     the shell to hook (bash, zsh, fish, ...); default: the one in $SHELL
  --no-modify-rc   leave rc files alone; print the line to add instead
  --python PATH    make autovenv's environment with this interpreter (Python >= 3.9)
  --uninstall      remove the hook line from every rc file, the link and the environment
  --purge          with --uninstall: remove the trust data as well
  -h, --help       show this help
EOF
}

say() { printf 'autovenv install: %s\n' "$*"; }
warn() { printf 'autovenv install: warning: %s\n' "$*" >&2; }
die() {
    printf 'autovenv install: error: %s\n' "$*" >&2
    exit 1
}
usage_error() {
    printf 'autovenv install: %s (see --help)\n' "$*" >&2
    exit 2
}

# --- Options ------------------------------------------------------------------------------
shell_name=""
modify_rc=1
mode=install
purge=0
python_arg=""
while [ $# -gt 0 ]; do
    case $1 in
        --shell) [ $# -ge 2 ] || usage_error "--shell needs a shell name"; shell_name=$2; shift 2 ;;
        --shell=*) shell_name=${1#--shell=}; shift ;;
        --python) [ $# -ge 2 ] || usage_error "--python needs a path"; python_arg=$2; shift 2 ;;
        --python=*) python_arg=${1#--python=}; shift ;;
        --no-modify-rc) modify_rc=0; shift ;;
        --uninstall) mode=uninstall; shift ;;
        --purge) purge=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage_error "unknown option: $1" ;;
    esac
done
[ "$purge" = 0 ] || [ "$mode" = uninstall ] || usage_error "--purge goes with --uninstall"

# --- Where things go ----------------------------------------------------------------------
[ -n "${HOME:-}" ] || die "HOME is not set"
data_home=${XDG_DATA_HOME:-}
case $data_home in
    /*) ;;
    *) data_home=$HOME/.local/share ;; # the XDG spec says to ignore a relative path
esac
root=$data_home/autovenv
env_dir=$root/venv
bin_dir=$HOME/.local/bin
link=$bin_dir/autovenv

# Piped into sh, the rest of this script is still on stdin: every command below gets
# </dev/null where it might read it.
#
# Run as a file beside autovenv's pyproject.toml: install that checkout. Piped into sh, or a
# copy elsewhere: install the release from PyPI.
source_dir=""
case $0 in
    *install.sh)
        here=$(cd "$(dirname "$0")" 2>/dev/null && pwd -P) || here=""
        if [ -n "$here" ] && [ -d "$here/src/autovenv" ] &&
            grep -q '^name = "autovenv-hook"' "$here/pyproject.toml" 2>/dev/null; then
            source_dir=$here
        fi
        ;;
esac

# Is $link our link (into the environment), as opposed to someone else's file?
link_is_ours() {
    [ -L "$link" ] && [ "$(readlink "$link")" = "$env_dir/bin/autovenv" ]
}

# --- Uninstall ----------------------------------------------------------------------------
uninstall() {
    if [ ! -e "$env_dir" ] && ! link_is_ours; then
        say "autovenv is not installed (nothing at $env_dir)"
    fi
    data_dir=${AUTOVENV_DATA_DIR:-$root}
    if [ -x "$env_dir/bin/autovenv" ] && "$env_dir/bin/python" -I -c 'import autovenv' 2>/dev/null; then
        # Ask autovenv itself: it knows every rc file and where its trust data lives.
        "$env_dir/bin/autovenv" init --remove </dev/null ||
            warn "could not take the hook line out of every rc file; see above"
        data_dir=$("$env_dir/bin/python" -I -c \
            'import os; from autovenv.hook.locations import data_dir; print(data_dir(os.environ))') ||
            data_dir=${AUTOVENV_DATA_DIR:-$root}
        # The hook texts this installation kept in the user's cache (autovenv/install/hookcache.py).
        kept=$("$env_dir/bin/python" -I -c \
            'from autovenv.install.hookcache import cache_dir; print(cache_dir() or "")') || kept=""
        if [ -n "$kept" ] && [ -d "$kept" ]; then
            rm -rf "$kept"
            rmdir "${kept%/*}" 2>/dev/null || :
        fi
    elif [ -e "$env_dir" ]; then
        warn "autovenv's environment is broken, so rc files were not changed; delete the lines"
        warn "from '# >>> autovenv' to '# <<< autovenv <<<' in your rc file by hand"
    fi
    if link_is_ours; then
        rm -f "$link"
        say "removed $link"
    fi
    if [ -e "$env_dir" ]; then
        rm -rf "$env_dir"
        say "removed $env_dir"
    fi
    if [ "$purge" = 1 ]; then
        case $data_dir in
            "" | / | "$HOME" | "$HOME/") die "refusing to delete $data_dir" ;;
        esac
        if [ -e "$data_dir" ]; then
            rm -rf "$data_dir"
            say "removed the trust data in $data_dir"
        fi
    elif [ -d "$data_dir/trust" ]; then
        say "kept the trust data in $data_dir/trust (uninstall with --purge to remove it)"
    fi
    rmdir "$root" 2>/dev/null || :
    say "done"
}

if [ "$mode" = uninstall ]; then
    uninstall
    exit 0
fi

# --- Find a Python ------------------------------------------------------------------------
# Runs the candidate (through a pyenv shim too, which then reports the real interpreter):
# prints "new in_venv has_venv executable".
probe='import sys
try:
    import venv, ensurepip
    ok = 1
except ImportError:
    ok = 0
print("%d %d %d %s" % (sys.version_info >= (3, 9), sys.prefix != getattr(sys, "base_prefix", sys.prefix), ok, sys.executable))'

py=""
py_without_venv=""
seen=""
try_python() {
    if [ ! -x "$1" ] || [ -d "$1" ]; then
        seen="$seen $1 (not an executable file);"
        return 1
    fi
    out=$("$1" -I -c "$probe" 2>/dev/null) || {
        seen="$seen $1 (not Python >= 3.9);"
        return 1
    }
    read -r p_new p_in_venv p_ok p_exe <<EOF
$out
EOF
    if [ "$p_new" != 1 ]; then
        seen="$seen $1 (older than 3.9);"
    elif [ "$p_in_venv" = 1 ]; then
        seen="$seen $1 (inside a venv);"
    elif [ "$p_ok" != 1 ]; then
        seen="$seen $1 (no venv module);"
        [ -n "$py_without_venv" ] || py_without_venv=$p_exe
    else
        py=$p_exe
        return 0
    fi
    return 1
}

find_python() {
    if [ -n "$python_arg" ]; then
        try_python "$python_arg" || :
    else
        for name in python3 python3.14 python3.13 python3.12 python3.11 python3.10 python3.9 python; do
            cand=$(command -v "$name" 2>/dev/null) || continue
            try_python "$cand" && return 0
        done
        for cand in /usr/bin/python3 /usr/local/bin/python3 /opt/homebrew/bin/python3; do
            [ -x "$cand" ] && try_python "$cand" && return 0
        done
    fi
    [ -n "$py" ] && return 0
    if [ -n "$py_without_venv" ]; then
        ver=$("$py_without_venv" -I -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        die "$py_without_venv has no venv module (ensurepip). On Debian/Ubuntu: sudo apt install python3-venv (or python$ver-venv), then run this again."
    fi
    die "no Python >= 3.9 found outside a venv (tried:${seen:- nothing on PATH}). Install one, or pass --python PATH."
}

# --- Install ------------------------------------------------------------------------------
# What to undo if anything fails from here on (see cleanup).
made_root=""  # the topmost directories this run created, removed again (if empty) on failure
made_bin=""
new_env=""
old_env=""
log=""
# The highest missing directory on the way to $1 (empty when $1 exists).
first_missing() {
    d=$1
    top=""
    while [ ! -e "$d" ]; do
        top=$d
        d=$(dirname "$d")
    done
    printf '%s' "$top"
}
# rmdir $1 and its parents up to $2, stopping at the first that is not empty.
remove_empty_dirs() {
    d=$1
    while rmdir "$d" 2>/dev/null && [ "$d" != "$2" ]; do
        d=$(dirname "$d")
    done
}
cleanup() {
    status=$?
    trap - EXIT
    if [ "$status" != 0 ]; then
        [ -z "$new_env" ] || rm -rf "$new_env"
        [ -z "$old_env" ] || mv "$old_env" "$env_dir" 2>/dev/null || :
        [ -z "$made_bin" ] || remove_empty_dirs "$bin_dir" "$made_bin"
        [ -z "$made_root" ] || remove_empty_dirs "$root" "$made_root"
    fi
    [ -z "$log" ] || rm -f "$log"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Check everything that can be checked before touching anything.
if [ -e "$link" ] || [ -L "$link" ]; then
    link_is_ours || die "$link exists and is not autovenv's link; move it away and run this again"
fi
upgrade=""
if [ -z "$python_arg" ] && "$env_dir/bin/python" -I -c 'import autovenv' 2>/dev/null; then
    upgrade=1
else
    find_python
fi
made_root=$(first_missing "$root")
mkdir -p "$root" 2>/dev/null && [ -w "$root" ] || die "cannot write to $root (no permission?)"
made_bin=$(first_missing "$bin_dir")
mkdir -p "$bin_dir" 2>/dev/null && [ -w "$bin_dir" ] || die "cannot write to $bin_dir (no permission?)"
log=$(mktemp "${TMPDIR:-/tmp}/autovenv-install.XXXXXX") || die "cannot make a temporary file"

if [ -n "$source_dir" ]; then
    spec=$source_dir
    say "installing autovenv from the checkout $source_dir"
else
    spec=$PACKAGE
    say "installing $PACKAGE from the package index"
fi

pip_install() {
    # --upgrade: a second run brings the install up to date in place.
    if ! "$env_dir/bin/python" -I -m pip install --disable-pip-version-check --upgrade \
        "$spec" </dev/null >"$log" 2>&1; then
        tail -n 12 "$log" | sed 's/^/    /' >&2
        if [ -z "$source_dir" ] || grep -Eq 'NewConnectionError|Failed to establish|Name or service|Temporary failure in name|No matching distribution|Could not find a version' "$log"; then
            what=$PACKAGE
            [ -z "$source_dir" ] || what="autovenv's dependencies or build tools"
            die "pip could not download $what (offline, or the package index is unreachable?); nothing was changed"
        fi
        die "pip could not install ${spec}; nothing was changed"
    fi
}

if [ -n "$upgrade" ]; then
    # pip rolls a failed upgrade back, so the working install stays as it was.
    say "upgrading the environment in $env_dir"
    pip_install
else
    say "using $py"
    if [ -e "$env_dir" ]; then
        # Broken, or another Python asked for: set it aside until the new one works.
        old_env=$root/venv.old.$$
        mv "$env_dir" "$old_env" || die "cannot move the old environment $env_dir aside"
    fi
    new_env=$env_dir
    if ! "$py" -I -m venv "$env_dir" </dev/null >"$log" 2>&1; then
        sed 's/^/    /' "$log" >&2
        if grep -q ensurepip "$log"; then
            die "$py cannot make a venv with pip (ensurepip missing). On Debian/Ubuntu: sudo apt install python3-venv"
        fi
        die "$py could not make a venv in $env_dir"
    fi
    pip_install
    new_env=""
    [ -z "$old_env" ] || rm -rf "$old_env"
    old_env=""
fi
[ -x "$env_dir/bin/autovenv" ] || die "the install did not provide $env_dir/bin/autovenv"
# The generic console script starts Python with site-packages and imports `re`: swap in a sh
# script that prints the kept hook text (`autovenv hook` runs in every new shell) and starts
# Python lean for the rest. Without it autovenv still works, only slower.
"$env_dir/bin/python" -I -m autovenv.install.launcher "$env_dir/bin/autovenv" </dev/null ||
    warn "kept the generic $env_dir/bin/autovenv (slower start-up; see above)"
# The hook path's modules in one file (autovenv/hook/preload.py), then each shell's hook text made
# from them, in the user's cache (autovenv/install/hookcache.py); the first new shell and the
# first cd would make them anyway.
"$env_dir/bin/python" -I -m autovenv.install.hookcache </dev/null || :

# Replace the link in one step (a new link renamed over the old one).
ln -s "$env_dir/bin/autovenv" "$link.tmp.$$" && mv -f "$link.tmp.$$" "$link" ||
    die "cannot create the link $link"
made_root=""
made_bin=""
version=$("$link" --version 2>/dev/null | sed -n 's/.*version //p')
say "installed autovenv ${version:-(version unknown)} in $env_dir, linked as $link"

# --- Hook the shell -----------------------------------------------------------------------
case :${PATH}: in
    *:"$bin_dir":* | *:"$bin_dir"/:*) ;;
    *) say "note: $bin_dir is not on your PATH, so the hook line names autovenv by its full path;"
       say "      to type \`autovenv\` outside hooked shells too, add to your shell's profile:"
       say "      export PATH=\"\$HOME/.local/bin:\$PATH\"" ;;
esac
if [ -z "$shell_name" ]; then
    shell_name=${SHELL:-}
    shell_name=${shell_name##*/}
fi
if [ -z "$shell_name" ]; then
    warn "could not tell your shell (SHELL is not set); hook it with: autovenv init SHELL"
elif [ "$modify_rc" = 0 ]; then
    say "left your rc files alone (--no-modify-rc); this is what \`autovenv init $shell_name\` would do:"
    "$link" init "$shell_name" --dry-run </dev/null || :
elif ! "$link" init "$shell_name" </dev/null; then
    warn "autovenv is installed, but the hook line was not added for $shell_name (see above);"
    warn "pick a shell with: sh install.sh --shell bash|zsh|fish, or run: autovenv init SHELL"
fi
