# autovenv hook for zsh. Load it with:  eval "$(autovenv hook zsh)"
# The helper decides; this file only asks it when something changed, and evaluates the answer.

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
typeset -g _autovenv_python=__AUTOVENV_PYTHON__
typeset -g _autovenv_helper=__AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said; what each
# means is described once, in src/autovenv/hook/export.py (answer_text).
typeset -g _autovenv_scope='' _autovenv_answer='' _autovenv_said='' _autovenv_pwd=''
typeset -g _autovenv_seen='' _autovenv_stale=1 _autovenv_failed='' _autovenv_promptsubst=''
typeset -g _autovenv_ps1_prefix='' _autovenv_ps1_added='' _autovenv_ps1_old='' _autovenv_prompt_text=''
# $PWD, AUTOVENV_DISABLE and VIRTUAL_ENV as the last prompt left them; '' = look again.
typeset -g _autovenv_key='' _autovenv_sep=$'\x1f'
typeset -ga _autovenv_probes=() _autovenv_globs=() _autovenv_watch=() _autovenv_same=() _autovenv_real=()
typeset -ga _autovenv_watch_present=() _autovenv_watch_absent=() _autovenv_synced=() _autovenv_inputs=()
typeset -ga _autovenv_sync_dir=()
typeset -g _autovenv_tried=''
typeset -ga _autovenv_redirect=()

# Does the last answer still hold for $PWD? Builtins only.
_autovenv_in_scope() {
    emulate -L zsh
    local dir=$PWD name pattern
    local -a hits
    [[ -n $_autovenv_scope ]] || return 1
    [[ $_autovenv_scope == / || $dir == $_autovenv_scope || $dir == ${_autovenv_scope}/* ]] || return 1
    # (in zsh a parameter's value is never a pattern unless asked with ${~...})
    while [[ $dir != $_autovenv_scope && -n $dir ]]; do
        [[ -L $dir ]] && return 1
        for name in $_autovenv_probes; do
            [[ -e $dir/$name ]] && return 1
        done
        for pattern in $_autovenv_globs; do
            hits=( $dir/${~pattern}(N) )
            (( $#hits )) && return 1
        done
        dir=${dir%/*}
        [[ -n $dir ]] || dir=/
        [[ $dir == / && $_autovenv_scope != / ]] && return 1
    done
    return 0
}

# Has any watched path appeared or disappeared?
_autovenv_watch_changed() {
    # No emulate here: it runs at every prompt, and these forms mean the same under any options.
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
    emulate -L zsh
    local text=''
    [[ -f $_autovenv_redirect[1] ]] || return 0
    { IFS= builtin read -r -d '' text < $_autovenv_redirect[1]; } 2>/dev/null
    [[ $text != $_autovenv_redirect[2] ]]
}

# The answer's watch list ("1path" must exist, "0path" must not), split once per answer.
_autovenv_split_watch() {
    emulate -L zsh
    _autovenv_watch_present=(${${(M)_autovenv_watch:#1*}#1})
    _autovenv_watch_absent=(${${(M)_autovenv_watch:#0*}#0})
}

# Prefix the prompt like a venv's activate does, escaped so that the name is never code.
# With prompt_subst the prefix names a variable (a value is substituted once, never run),
# without it the name is in PS1 itself; the hook looks at the option before every prompt, so
# the prefix changes form when the user turns prompt_subst on or off later.
_autovenv_sync_prompt() {
    emulate -L zsh
    if [[ -n $_autovenv_ps1_added ]]; then
        if [[ $PS1 == $_autovenv_ps1_added ]]; then
            PS1=$_autovenv_ps1_old
        elif [[ $PS1 == ${_autovenv_ps1_prefix}* ]]; then
            PS1=${PS1#$_autovenv_ps1_prefix}
        fi
        _autovenv_ps1_added=''
    fi
    [[ -n ${AUTOVENV_VENV-} && ${VIRTUAL_ENV-} == $AUTOVENV_VENV && -z ${VIRTUAL_ENV_DISABLE_PROMPT-} ]] || return 0
    # No escape sequence reaches the terminal raw; % would be a prompt escape.
    _autovenv_prompt_text=${${VIRTUAL_ENV_PROMPT-}//[[:cntrl:]]/}
    _autovenv_prompt_text=${_autovenv_prompt_text//\%/%%}
    if [[ -n $_autovenv_promptsubst ]]; then
        _autovenv_ps1_prefix='(${_autovenv_prompt_text}) '
    else
        _autovenv_ps1_prefix="(${_autovenv_prompt_text}) "
    fi
    _autovenv_ps1_old=$PS1
    PS1=$_autovenv_ps1_prefix$PS1
    _autovenv_ps1_added=$PS1
}

# Ask the helper and evaluate its answer; on failure keep the shell working and warn once.
_autovenv_run() {
    emulate -L zsh
    local out rc=0
    if [[ -x $_autovenv_python && -f $_autovenv_helper ]]; then
        # After a failure the helper's own messages stay quiet (the subshell's stderr only).
        out=$([[ -z $_autovenv_failed ]] || builtin exec 2>/dev/null
            _AUTOVENV_SAID=$_autovenv_said _AUTOVENV_ANSWER=$_autovenv_answer _AUTOVENV_SYNC_TRIED=$_autovenv_tried \
                "$_autovenv_python" -I -S "$_autovenv_helper" export zsh) || rc=$?
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
    (( ! $#_autovenv_sync_dir )) || _autovenv_sync_now
}

# The answer says the project's requirements are due (a consented project, sync = "auto"):
# sync it in the foreground, with the venv already active (Ctrl-C stops the installer, not the
# prompt), then ask the helper once more (_AUTOVENV_SYNC_TRIED: no second sync from there).
_autovenv_sync_now() {
    emulate -L zsh
    local dir=$_autovenv_sync_dir[1]
    _autovenv_sync_dir=()
    _autovenv_tried=1  # the next helper run, whenever it comes (_autovenv_run resets it)
    "$_autovenv_python" -I -m autovenv sync --due -- "$dir"
    _autovenv_run
}

# Runs before each prompt: no process unless the directory left the answer's scope, a watched
# path changed, AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
_autovenv_hook() {
    local rc=$? p changed='' subst=''
    # The user's prompt_subst decides how the prompt prefix is escaped; read before emulate.
    [[ -o promptsubst ]] && subst=1
    # Fast path, before any option juggling: same directory, same variables, same prompt_subst,
    # no watched path changed. Inline, not _autovenv_watch_changed: a call costs zsh ~15 us.
    if [[ $PWD$_autovenv_sep${AUTOVENV_DISABLE-}$_autovenv_sep${VIRTUAL_ENV-}$_autovenv_sep$subst == "$_autovenv_key" ]]; then
        for p in "${_autovenv_watch_present[@]}"; do [[ -e $p || -L $p ]] || changed=1; done
        for p in "${_autovenv_watch_absent[@]}"; do [[ -e $p || -L $p ]] && changed=1; done
        for p in "${_autovenv_same[@]}"; do [[ $p -ef $_autovenv_real ]] || changed=1; done
        for p in "${_autovenv_inputs[@]}"; do [[ $p -nt $_autovenv_synced ]] && changed=1; done
        (( ${#_autovenv_redirect[@]} )) && _autovenv_redirect_changed && changed=1
        [[ -n $changed ]] || return $rc
    fi
    emulate -L zsh
    local form_changed=''
    [[ $subst == $_autovenv_promptsubst ]] || form_changed=1
    _autovenv_promptsubst=$subst
    if [[ $PWD != $_autovenv_pwd ]]; then
        _autovenv_pwd=$PWD
        _autovenv_in_scope || _autovenv_stale=1
    fi
    [[ ${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-} == $_autovenv_seen ]] || _autovenv_stale=1
    if [[ -n $_autovenv_stale$changed ]] || _autovenv_watch_changed; then
        _autovenv_stale=1  # until the answer is in: Ctrl-C cuts a prompt's function short
        _autovenv_run
        _autovenv_stale=''
        _autovenv_seen=${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-}
    elif [[ -n $form_changed ]]; then
        _autovenv_sync_prompt
    fi
    _autovenv_key=$PWD$_autovenv_sep${AUTOVENV_DISABLE-}$_autovenv_sep${VIRTUAL_ENV-}$_autovenv_sep$subst
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

# --- Install the hook once ----------------------------------------------------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
export AUTOVENV_HOOK_PID=$$
typeset -ga precmd_functions
if (( ! ${precmd_functions[(Ie)_autovenv_hook]} )); then
    precmd_functions=(_autovenv_hook $precmd_functions)
fi
