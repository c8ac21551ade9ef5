# autovenv hook for bash. Load it with:  eval "$(autovenv hook bash)"
# The helper decides; this file only asks it when something changed, and evaluates the answer.

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
_autovenv_python=__AUTOVENV_PYTHON__
_autovenv_helper=__AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said; what each
# means is described once, in src/autovenv/hook/export.py (answer_text).
_autovenv_scope=''
_autovenv_probes=()
_autovenv_globs=()
_autovenv_watch=()
_autovenv_watch_present=()
_autovenv_watch_absent=()
_autovenv_same=()
_autovenv_real=''
_autovenv_synced=()
_autovenv_inputs=()
_autovenv_sync_dir=()
_autovenv_tried=''
_autovenv_redirect=()
_autovenv_answer=''
_autovenv_said=''
_autovenv_pwd=''
_autovenv_seen=''
_autovenv_stale=1
_autovenv_failed=''
# $PWD, AUTOVENV_DISABLE and VIRTUAL_ENV as the last prompt left them; '' = look again.
_autovenv_key=''
_autovenv_sep=$'\x1f'
_autovenv_ps1_prefix=''
_autovenv_ps1_added=''
_autovenv_ps1_old=''

# Does the last answer still hold for $PWD? Builtins only.
_autovenv_in_scope() {
    local dir=$PWD name pattern
    [[ -n $_autovenv_scope ]] || return 1
    [[ $_autovenv_scope == / || $dir == "$_autovenv_scope" || $dir == "$_autovenv_scope"/* ]] || return 1
    while [[ $dir != "$_autovenv_scope" && -n $dir ]]; do
        [[ -L $dir ]] && return 1
        for name in "${_autovenv_probes[@]}"; do
            [[ -e $dir/$name ]] && return 1
        done
        for pattern in "${_autovenv_globs[@]}"; do
            _autovenv_glob_hit "$dir" "$pattern" && return 1
        done
        dir=${dir%/*}
        [[ -n $dir ]] || dir=/
        [[ $dir == / && $_autovenv_scope != / ]] && return 1
    done
    return 0
}

# Does a file matching the glob pattern exist in dir? (the quoted dir is never a pattern)
_autovenv_glob_hit() {
    local -a hits
    local nullglob=1 failglob=''
    builtin shopt -q nullglob || { nullglob=''; builtin shopt -s nullglob; }
    builtin shopt -q failglob && { failglob=1; builtin shopt -u failglob; }
    hits=("$1"/$2)
    [[ -n $nullglob ]] || builtin shopt -u nullglob
    [[ -z $failglob ]] || builtin shopt -s failglob
    (( ${#hits[@]} > 0 ))
}

# Has any watched path appeared or disappeared?
_autovenv_watch_changed() {
    local p
    for p in "${_autovenv_watch_present[@]}"; do
        [[ -e $p || -L $p ]] || return 0
    done
    for p in "${_autovenv_watch_absent[@]}"; do
        [[ -e $p || -L $p ]] && return 0
    done
    for p in "${_autovenv_same[@]}"; do
        [[ $p -ef $_autovenv_real ]] || return 0
    done
    for p in "${_autovenv_inputs[@]}"; do
        [[ $p -nt $_autovenv_synced ]] && return 0
    done
    (( ${#_autovenv_redirect[@]} )) && _autovenv_redirect_changed && return 0
    return 1
}

# Does the redirect file no longer hold the text the answer was made from? It is read only
# while it is a regular file (a FIFO would block the prompt).
_autovenv_redirect_changed() {
    local text=''
    [[ -f ${_autovenv_redirect[0]} ]] || return 0
    { IFS= builtin read -r -d '' text < "${_autovenv_redirect[0]}"; } 2>/dev/null
    [[ $text != "${_autovenv_redirect[1]-}" ]]
}

# The answer's watch list ("1path" must exist, "0path" must not), split once per answer.
_autovenv_split_watch() {
    local entry
    _autovenv_watch_present=()
    _autovenv_watch_absent=()
    for entry in "${_autovenv_watch[@]}"; do
        if [[ $entry == 1* ]]; then
            _autovenv_watch_present+=("${entry:1}")
        else
            _autovenv_watch_absent+=("${entry:1}")
        fi
    done
}

# Prefix the prompt like a venv's activate does. The name goes in as \D{...} strftime formats
# (its % doubled): bash prints what they make as text whether promptvars is on or off, and
# quotes it for the expansion promptvars turns on, so the prefix stays inert even when the
# user turns promptvars on later. A } ends a format, so it stands outside one; a format makes
# at most 127 bytes, so the name goes in pieces of 30 characters.
_autovenv_sync_prompt() {
    local name piece
    if [[ -n $_autovenv_ps1_added ]]; then
        if [[ $PS1 == "$_autovenv_ps1_added" ]]; then
            PS1=$_autovenv_ps1_old
        elif [[ $PS1 == "$_autovenv_ps1_prefix"* ]]; then
            PS1=${PS1#"$_autovenv_ps1_prefix"}
        fi
        _autovenv_ps1_added=''
    fi
    [[ -n ${AUTOVENV_VENV-} && ${VIRTUAL_ENV-} == "$AUTOVENV_VENV" && -z ${VIRTUAL_ENV_DISABLE_PROMPT-} ]] || return 0
    name=${VIRTUAL_ENV_PROMPT-}
    name=${name//[[:cntrl:]]/}  # no escape sequence reaches the terminal raw
    _autovenv_ps1_prefix='('
    while [[ -n $name ]]; do
        if [[ $name == '}'* ]]; then
            _autovenv_ps1_prefix+='}'
            name=${name:1}
            continue
        fi
        piece=${name%%\}*}
        piece=${piece:0:30}
        name=${name:${#piece}}
        _autovenv_ps1_prefix+="\\D{${piece//\%/%%}}"
    done
    _autovenv_ps1_prefix+=') '
    _autovenv_ps1_old=${PS1-}
    PS1=$_autovenv_ps1_prefix${PS1-}
    _autovenv_ps1_added=$PS1
}

# Ask the helper and evaluate its answer; on failure keep the shell working and warn once.
_autovenv_run() {
    local out rc=0
    if [[ -x $_autovenv_python && -f $_autovenv_helper ]]; then
        # After a failure the helper's own messages stay quiet (the subshell's stderr only).
        out=$([[ -z $_autovenv_failed ]] || builtin exec 2>/dev/null
            _AUTOVENV_SAID=$_autovenv_said _AUTOVENV_ANSWER=$_autovenv_answer _AUTOVENV_SYNC_TRIED=$_autovenv_tried \
                "$_autovenv_python" -I -S "$_autovenv_helper" export bash) || rc=$?
    else
        rc=127
    fi
    _autovenv_tried=''
    if (( rc == 0 )); then
        _autovenv_sync_dir=()
        builtin eval "$out"
        _autovenv_split_watch
        _autovenv_failed=''
    else
        _autovenv_scope=''
        if [[ -z $_autovenv_failed ]]; then
            builtin printf 'autovenv: the hook failed (exit %s); the shell works, venvs are not switched. Run: autovenv doctor\n' "$rc" >&2
        fi
        _autovenv_failed=1
    fi
    _autovenv_sync_prompt
    [[ -z ${_autovenv_sync_dir-} ]] || _autovenv_sync_now
}

# The answer says the project's requirements are due (a consented project, sync = "auto"):
# sync it in the foreground, with the venv already active (Ctrl-C stops the installer, not the
# prompt), then ask the helper once more (_AUTOVENV_SYNC_TRIED: no second sync from there).
_autovenv_sync_now() {
    local dir=$_autovenv_sync_dir
    _autovenv_sync_dir=()
    _autovenv_tried=1  # the next helper run, whenever it comes (_autovenv_run resets it)
    "$_autovenv_python" -I -m autovenv sync --due -- "$dir"
    _autovenv_run
}

# Runs before each prompt: no process unless the directory left the answer's scope, a watched
# path changed, AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
_autovenv_hook() {
    local rc=$? p changed=''
    # Fast path: same directory, same variables, nothing pending, no watched path changed
    # (checked inline: a function call is a good part of the budget).
    if [[ $PWD$_autovenv_sep${AUTOVENV_DISABLE-}$_autovenv_sep${VIRTUAL_ENV-} == "$_autovenv_key" ]]; then
        for p in "${_autovenv_watch_present[@]}"; do [[ -e $p || -L $p ]] || changed=1; done
        for p in "${_autovenv_watch_absent[@]}"; do [[ -e $p || -L $p ]] && changed=1; done
        for p in "${_autovenv_same[@]}"; do [[ $p -ef $_autovenv_real ]] || changed=1; done
        for p in "${_autovenv_inputs[@]}"; do [[ $p -nt $_autovenv_synced ]] && changed=1; done
        (( ${#_autovenv_redirect[@]} )) && _autovenv_redirect_changed && changed=1
        [[ -n $changed ]] || return $rc
    fi
    if [[ $PWD != "$_autovenv_pwd" ]]; then
        _autovenv_pwd=$PWD
        _autovenv_in_scope || _autovenv_stale=1
    fi
    [[ ${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-} == "$_autovenv_seen" ]] || _autovenv_stale=1
    if [[ -n $_autovenv_stale$changed ]] || _autovenv_watch_changed; then
        _autovenv_stale=1  # until the answer is in: Ctrl-C cuts a prompt's function short
        _autovenv_run
        _autovenv_stale=''
        _autovenv_seen=${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-}
    fi
    _autovenv_key=$PWD$_autovenv_sep${AUTOVENV_DISABLE-}$_autovenv_sep${VIRTUAL_ENV-}
    return $rc
}

# autovenv's own commands (allow, deny, create...) take effect at the next prompt.
autovenv() {
    "$_autovenv_python" -I -m autovenv "$@"
    local rc=$?
    _autovenv_stale=1
    _autovenv_key=''
    return $rc
}

# --- Install the hook once, in front of whatever PROMPT_COMMAND already does ---------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
export AUTOVENV_HOOK_PID=$$
if [[ -z ${_autovenv_loaded-} ]]; then
    _autovenv_loaded=1
    # bash >= 5.1 may hold PROMPT_COMMAND as an array (${var@a} needs bash >= 4.4).
    if (( BASH_VERSINFO[0] > 4 )) && [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=(_autovenv_hook "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND="_autovenv_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
fi
