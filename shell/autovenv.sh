#@ shell/autovenv.sh: the bash and zsh hooks from one source. `autovenv hook bash` (or zsh)
#@ prints it for one shell (hook/shells/posix.py, dialect): a line ending in "#@ bash" or
#@ "#@ zsh" is kept for that shell only, and so are the lines from a line that is only "#@ bash"
#@ or "#@ zsh" up to the next; "#@ end" closes such a block. Lines starting "#@", like these,
#@ are for the reader of this file only: the hook as printed holds none.
#@ bash
# autovenv hook for bash. Load it with:  eval "$(autovenv hook bash)"
#@ zsh
# autovenv hook for zsh. Load it with:  eval "$(autovenv hook zsh)"
#@ end
# The helper decides; this file only asks it when something changed, and evaluates the answer.
# The same functions, in the same order, as every autovenv snippet: hook, in-scope test, watch
# test, run the helper, prompt prefix, and the `autovenv` command.

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
_autovenv_python=__AUTOVENV_PYTHON__
_autovenv_helper=__AUTOVENV_HELPER__
_autovenv_shell=bash  #@ bash
_autovenv_shell=zsh  #@ zsh

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said; what each
# means is described once, in src/autovenv/hook/export.py (answer_text).
_autovenv_scope=''
_autovenv_probes=()
_autovenv_globs=()
_autovenv_watch_present=()
_autovenv_watch_absent=()
_autovenv_real=()
_autovenv_same=()
_autovenv_synced=()
_autovenv_inputs=()
_autovenv_sync_dir=()
_autovenv_redirect=()
_autovenv_answer=''
_autovenv_said=''
# The hook's own decision state, the same in every snippet:
# _autovenv_pwd: the directory the answer was last found to hold for;
# _autovenv_seen: AUTOVENV_DISABLE/VIRTUAL_ENV after the last helper run ('' = ask the helper
#   at the next prompt: an `autovenv` command ran, or a run was cut short);
# _autovenv_failed: the last run failed (its warning is said, the helper's stderr kept quiet).
_autovenv_pwd=''
_autovenv_seen=''
_autovenv_failed=''
# _autovenv_tried: the next helper run comes right after a due sync this snippet ran.
_autovenv_tried=''
# The prompt prefix this snippet added, and the prompt it added it to.
_autovenv_ps1_prefix=''
_autovenv_ps1_added=''
_autovenv_ps1_old=''
_autovenv_promptsubst=''  #@ zsh
_autovenv_prompt_text=''  #@ zsh

# --- Hook: runs before each prompt --------------------------------------------------------
# No process unless the directory left the answer's scope, a watched path changed,
# AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
_autovenv_hook() {
    local rc=$? p changed=''  #@ bash
    local rc=$? p changed='' subst=''  #@ zsh
    [[ -o promptsubst ]] && subst=1  #@ zsh
    # Fast path: same directory, same variables, no watched path changed (zsh: and the same
    # prompt_subst, read before emulate hides it). The tests are inline, not
    # _autovenv_watch_changed: a function call costs more than all of them. They come before
    # any option juggling (zsh), and mean the same under any options.
    if [[ $PWD == "$_autovenv_pwd" && ${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-} == "$_autovenv_seen" ]]; then  #@ bash
    if [[ $PWD == "$_autovenv_pwd" && ${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-} == "$_autovenv_seen" && $subst == "$_autovenv_promptsubst" ]]; then  #@ zsh
        for p in "${_autovenv_watch_present[@]}"; do [[ -e $p || -L $p ]] || changed=1; done
        for p in "${_autovenv_watch_absent[@]}"; do [[ -e $p || -L $p ]] && changed=1; done
        for p in "${_autovenv_same[@]}"; do [[ $p -ef $_autovenv_real ]] || changed=1; done
        for p in "${_autovenv_inputs[@]}"; do [[ $p -nt $_autovenv_synced ]] && changed=1; done
        (( ${#_autovenv_redirect[@]} )) && _autovenv_redirect_changed && changed=1
        [[ -n $changed ]] || return $rc
    fi
#@ zsh
    emulate -L zsh
    # The user's prompt_subst decides how the prompt prefix is escaped: when it is turned on
    # or off, the prefix changes form.
    if [[ $subst != "$_autovenv_promptsubst" ]]; then
        _autovenv_promptsubst=$subst
        _autovenv_prompt_prefix
    fi
#@ end
    if [[ -z $changed && ${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-} == "$_autovenv_seen" ]] &&
            _autovenv_in_scope && ! _autovenv_watch_changed; then
        _autovenv_pwd=$PWD  # a cd within the scope: nothing to do
        return $rc
    fi
    _autovenv_seen=''  # until the answer is in: Ctrl-C cuts a prompt's function short
    _autovenv_run
    _autovenv_pwd=$PWD
    _autovenv_seen=${AUTOVENV_DISABLE-}/${VIRTUAL_ENV-}
    return $rc
}

# --- In-scope test: does the last answer still hold for $PWD? Builtins only ----------------
_autovenv_in_scope() {
    emulate -L zsh  #@ zsh
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

# Does a name in the directory $1 match the glob pattern $2? (Its own function: bash must turn
# globbing options on and back; the quoted directory is never a pattern.)
_autovenv_glob_hit() {
#@ bash
    local -a hits
    local nullglob=1 failglob=''
    builtin shopt -q nullglob || { nullglob=''; builtin shopt -s nullglob; }
    builtin shopt -q failglob && { failglob=1; builtin shopt -u failglob; }
    hits=("$1"/$2)
    [[ -n $nullglob ]] || builtin shopt -u nullglob
    [[ -z $failglob ]] || builtin shopt -s failglob
#@ zsh
    emulate -L zsh
    local -a hits
    # (in zsh a parameter's value is never a pattern unless asked with ${~...})
    hits=( $1/${~2}(N) )
#@ end
    (( ${#hits[@]} > 0 ))
}

# --- Watch test: has a watched path appeared, disappeared, been retargeted or changed? -------
_autovenv_watch_changed() {
    local p
    for p in "${_autovenv_watch_present[@]}"; do
        [[ -e $p || -L $p ]] || return 0
    done
    for p in "${_autovenv_watch_absent[@]}"; do
        [[ -e $p || -L $p ]] && return 0
    done
    for p in "${_autovenv_same[@]}"; do
        [[ $p -ef $_autovenv_real ]] || return 0  # device and inode
    done
    for p in "${_autovenv_inputs[@]}"; do
        [[ $p -nt $_autovenv_synced ]] && return 0  # changed since the last sync
    done
    (( ${#_autovenv_redirect[@]} )) && _autovenv_redirect_changed && return 0
    return 1
}

# Does the redirect file no longer hold the text the answer was made from? (Its own function:
# the fast path tests it too.) It is read only while it is a regular file (a FIFO would block
# the prompt).
_autovenv_redirect_changed() {
    emulate -L zsh  #@ zsh
    local text=''
    set -- "${_autovenv_redirect[@]}"  # (file, text): $1 and $2 in both shells' arrays
    [[ -f $1 ]] || return 0
    { IFS= builtin read -r -d '' text < "$1"; } 2>/dev/null
    [[ $text != "${2-}" ]]
}

# --- Run the helper and evaluate its answer; on failure keep the shell working, warn once ----
_autovenv_run() {
    emulate -L zsh  #@ zsh
    local out rc=0
    local -a dir
    if [[ -x $_autovenv_python && -f $_autovenv_helper ]]; then
        # After a failure the helper's own messages stay quiet (the subshell's stderr only;
        # bash keeps the redirection of `command exec`, zsh that of `builtin exec`, and
        # neither form runs a function named exec).
        out=$(
            [[ -z $_autovenv_failed ]] || command exec 2>/dev/null  #@ bash
            [[ -z $_autovenv_failed ]] || builtin exec 2>/dev/null  #@ zsh
            _AUTOVENV_SAID=$_autovenv_said _AUTOVENV_ANSWER=$_autovenv_answer _AUTOVENV_SYNC_TRIED=$_autovenv_tried \
                "$_autovenv_python" -I -S "$_autovenv_helper" export "$_autovenv_shell") || rc=$?
    else
        rc=127
    fi
    _autovenv_tried=''
    if (( rc == 0 )); then
        _autovenv_sync_dir=()
        builtin eval "$out"
        _autovenv_failed=''
    else
        _autovenv_scope=''
        if [[ -z $_autovenv_failed ]]; then
            builtin printf 'autovenv: the hook failed (exit %s); the shell works, venvs are not switched. Run: autovenv doctor\n' "$rc" >&2
        fi
        _autovenv_failed=1
    fi
    _autovenv_prompt_prefix
    (( ${#_autovenv_sync_dir[@]} )) || return 0
    # The answer says the project's requirements are due (a consented project, sync = "auto"):
    # sync it in the foreground, with the venv already active (Ctrl-C stops the installer, not
    # the prompt), then ask the helper once more (_AUTOVENV_SYNC_TRIED: no second sync).
    dir=("${_autovenv_sync_dir[@]}")
    _autovenv_sync_dir=()
    _autovenv_tried=1  # the next helper run, whenever it comes (this function resets it)
    "$_autovenv_python" -I -m autovenv sync --due -- "${dir[@]}"
    _autovenv_run
}

# --- Prompt prefix, like a venv's activate, while autovenv's venv is active ------------------
#@ bash
# The name goes in as \D{...} strftime formats (its % doubled): bash prints what they make as
# text whether promptvars is on or off, and quotes it for the expansion promptvars turns on, so
# the prefix stays inert even when the user turns promptvars on later. A } ends a format, so it
# stands outside one; a format makes at most 127 bytes, so the name goes in pieces of 30.
#@ zsh
# Escaped so that the name is never code. With prompt_subst the prefix names a variable (a
# value is substituted once, never run), without it the name is in PS1 itself; the hook looks
# at the option before every prompt, so the prefix changes form when the user turns
# prompt_subst on or off later.
#@ end
_autovenv_prompt_prefix() {
    emulate -L zsh  #@ zsh
    local name piece  #@ bash
    if [[ -n $_autovenv_ps1_added ]]; then
        if [[ $PS1 == "$_autovenv_ps1_added" ]]; then
            PS1=$_autovenv_ps1_old
        elif [[ $PS1 == "$_autovenv_ps1_prefix"* ]]; then
            PS1=${PS1#"$_autovenv_ps1_prefix"}
        fi
        _autovenv_ps1_added=''
    fi
    [[ -n ${AUTOVENV_VENV-} && ${VIRTUAL_ENV-} == "$AUTOVENV_VENV" && -z ${VIRTUAL_ENV_DISABLE_PROMPT-} ]] || return 0
#@ bash
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
#@ zsh
    # No escape sequence reaches the terminal raw; % would be a prompt escape.
    _autovenv_prompt_text=${${VIRTUAL_ENV_PROMPT-}//[[:cntrl:]]/}
    _autovenv_prompt_text=${_autovenv_prompt_text//\%/%%}
    if [[ -n $_autovenv_promptsubst ]]; then
        _autovenv_ps1_prefix='(${_autovenv_prompt_text}) '
    else
        _autovenv_ps1_prefix="(${_autovenv_prompt_text}) "
    fi
#@ end
    _autovenv_ps1_old=${PS1-}
    PS1=$_autovenv_ps1_prefix${PS1-}
    _autovenv_ps1_added=$PS1
}

# --- autovenv's own commands (allow, deny, create...) take effect at the next prompt ---------
autovenv() {
    "$_autovenv_python" -I -m autovenv "$@"
    local rc=$?
    _autovenv_seen=''
    return $rc
}

# --- Install the hook once ----------------------------------------------------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
export AUTOVENV_HOOK_PID=$$
#@ bash
# In front of whatever PROMPT_COMMAND already does.
if [[ -z ${_autovenv_loaded-} ]]; then
    _autovenv_loaded=1
    # bash >= 5.1 may hold PROMPT_COMMAND as an array (${var@a} needs bash >= 4.4).
    if (( BASH_VERSINFO[0] > 4 )) && [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=(_autovenv_hook "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND="_autovenv_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
fi
#@ zsh
typeset -ga precmd_functions
if (( ! ${precmd_functions[(Ie)_autovenv_hook]} )); then
    precmd_functions=(_autovenv_hook $precmd_functions)
fi
#@ end
