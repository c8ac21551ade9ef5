# autovenv hook for fish. Load it with:  autovenv hook fish | source
# The helper decides; this file only asks it when something changed, and evaluates the answer.
# The same functions, in the same order, as every autovenv snippet: hook, in-scope test, watch
# test, run the helper, prompt prefix, and the `autovenv` command.

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
set -g _autovenv_python __AUTOVENV_PYTHON__
set -g _autovenv_helper __AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said; what each
# means is described once, in src/autovenv/hook/export.py (answer_text).
set -g _autovenv_scope ''
set -g _autovenv_probes
set -g _autovenv_globs
set -g _autovenv_watch_present
set -g _autovenv_watch_absent
set -g _autovenv_real
set -g _autovenv_same
set -g _autovenv_synced
set -g _autovenv_inputs
set -g _autovenv_sync_dir
set -g _autovenv_redirect
set -g _autovenv_answer ''
set -g _autovenv_said ''
# The hook's own decision state, the same in every snippet:
# _autovenv_pwd: the directory the answer was last found to hold for;
# _autovenv_seen: AUTOVENV_DISABLE/VIRTUAL_ENV after the last helper run ('' = ask the helper
#   at the next prompt: an `autovenv` command ran, or a run was cut short);
# _autovenv_failed: the last run failed (its warning is said, the helper's stderr kept quiet).
set -g _autovenv_pwd ''
set -g _autovenv_seen ''
set -g _autovenv_failed ''
# _autovenv_tried: the next helper run comes right after a due sync this snippet ran.
set -g _autovenv_tried ''
# fish >= 3.5 has the `path` builtin the shortcuts need; without it every prompt asks the helper.
set -g _autovenv_has_path
contains path (builtin -n); and set -g _autovenv_has_path 1

# --- Hook: runs before each prompt --------------------------------------------------------
# No process unless the directory left the answer's scope, a watched path changed,
# AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
function _autovenv_hook --on-event fish_prompt
    # Fast path: same directory, same variables, no watched path changed.
    if test "$PWD" = "$_autovenv_pwd" -a "$AUTOVENV_DISABLE/$VIRTUAL_ENV" = "$_autovenv_seen"
        _autovenv_watch_changed; or return
    else if test "$AUTOVENV_DISABLE/$VIRTUAL_ENV" = "$_autovenv_seen"; and _autovenv_in_scope
        set -g _autovenv_pwd $PWD  # a cd within the scope (its watch tests too): nothing to do
        return
    end
    set -g _autovenv_seen ''  # until the answer is in: Ctrl-C cuts an event handler short
    _autovenv_run
    set -g _autovenv_pwd $PWD
    set -g _autovenv_seen "$AUTOVENV_DISABLE/$VIRTUAL_ENV"
end

# --- In-scope test: does the last answer still hold for $PWD? -----------------------------
# And does every watched path still (not) exist?
# Builtins only, and as few statements as can be (each costs fish about 10 us; a command
# substitution about 0.2 ms): the helper's regex for this scope (_autovenv_scope_re) matches
# the scope and below, naming the directories one and two levels down; deeper ones are walked
# up by regex captures; one `path` call tests all of them at once. fish < 3.5 has no `path`:
# it always asks the helper.
set -g _autovenv_scope_re '(?!)'
if set -q _autovenv_has_path[1]
    function _autovenv_in_scope
        string match -qr -- $_autovenv_scope_re $PWD; or return 1
        set -l dirs $_autovenv_d1 $_autovenv_d2  # none when $PWD is the scope itself
        if set -q _autovenv_deeper[1]
            set -l dir $PWD
            while test "$dir" != "$_autovenv_d2"
                set -a dirs $dir
                # dir := its parent
                string match -qr -- '(?s)^(?<dir>/.*)/[^/]*\z' $dir; or return 1
            end
        end
        path filter -q -t link -- $dirs; and return 1
        path filter -q -- $dirs/$_autovenv_probes $_autovenv_watch_absent; and return 1
        if set -q _autovenv_globs[1]
            set -l entries $dirs/*  # `set` tolerates no match; names are compared as data
            for pattern in $_autovenv_globs
                string match -q -- "*/$pattern" $entries; and return 1
            end
        end
        # A path found by must name the venv that was checked (test -ef: device and inode).
        for p in $_autovenv_same
            test "$p" -ef "$_autovenv_real"; or return 1
        end
        for p in $_autovenv_inputs  # changed since the last sync (test -nt: mtimes)
            test "$p" -nt "$_autovenv_synced"; and return 1
        end
        set -q _autovenv_redirect[1]; and _autovenv_redirect_changed; and return 1
        # A watched path that looks gone may be a dangling link: the slow path checks exactly.
        not path filter -vq -- $_autovenv_watch_present
    end
else
    function _autovenv_in_scope
        return 1
    end
end

# --- Watch test: has a watched path appeared, disappeared, been retargeted or changed? -------
# (A dangling link counts as present.)
function _autovenv_watch_changed
    for p in $_autovenv_same
        test "$p" -ef "$_autovenv_real"; or return 0  # device and inode
    end
    for p in $_autovenv_inputs
        test "$p" -nt "$_autovenv_synced"; and return 0  # changed since the last sync
    end
    set -q _autovenv_redirect[1]; and _autovenv_redirect_changed; and return 0
    if set -q _autovenv_has_path[1]
        # One `path` call per list. (A dangling link appearing where nothing was is seen at
        # the next cd.)
        path filter -q -- $_autovenv_watch_absent; and return 0
        path filter -vq -- $_autovenv_watch_present; or return 1
    else
        for p in $_autovenv_watch_absent
            test -e "$p"; or test -L "$p"; and return 0
        end
    end
    # A path watched as present that looks gone may be a dangling link: checked exactly.
    for p in $_autovenv_watch_present
        test -e "$p"; or test -L "$p"; or return 0
    end
    return 1
end

# Does the redirect file no longer hold the text the answer was made from? (Its own function:
# both tests above use it.) It is read only while it is a regular file (a FIFO would block the
# prompt).
function _autovenv_redirect_changed
    # -r first: fish reports a redirection that fails on the terminal, whatever 2> says.
    test -f "$_autovenv_redirect[1]" -a -r "$_autovenv_redirect[1]"; or return 0
    set -l text (string collect -N <$_autovenv_redirect[1])
    test "$text" != "$_autovenv_redirect[2]"
end

# --- Run the helper and evaluate its answer; on failure keep the shell working, warn once ----
function _autovenv_run
    set -l out
    set -l rc 0
    if test -x "$_autovenv_python"; and test -f "$_autovenv_helper"
        # After a failure the helper's own messages stay quiet (appended: a log keeps its text).
        set -l errors /dev/stderr
        test -n "$_autovenv_failed"; and set errors /dev/null
        set out (_AUTOVENV_SAID=$_autovenv_said _AUTOVENV_ANSWER=$_autovenv_answer _AUTOVENV_SYNC_TRIED=$_autovenv_tried \
            $_autovenv_python -I -S $_autovenv_helper export fish 2>>$errors | string collect)
        set rc $pipestatus[1]
    else
        set rc 127
    end
    set -g _autovenv_tried ''
    if test "$rc" = 0
        set -g _autovenv_sync_dir
        test -n "$out"; and printf '%s\n' "$out" | source
        set -g _autovenv_failed ''
    else
        set -g _autovenv_scope ''
        set -g _autovenv_scope_re '(?!)'
        if test -z "$_autovenv_failed"
            printf 'autovenv: the hook failed (exit %s); the shell works, venvs are not switched. Run: autovenv doctor\n' $rc >&2
        end
        set -g _autovenv_failed 1
    end
    _autovenv_prompt_prefix
    set -q _autovenv_sync_dir[1]; or return 0
    # The answer says the project's requirements are due (a consented project, sync = "auto"):
    # sync it in the foreground, with the venv already active, then ask the helper once more
    # (_AUTOVENV_SYNC_TRIED: no second sync from there). Ctrl-C stops the installer and ends
    # this handler; the next prompt asks the helper again (_autovenv_seen is still '').
    set -l dir $_autovenv_sync_dir[1]
    set -g _autovenv_sync_dir
    set -g _autovenv_tried 1  # the next helper run, whenever it comes (this function resets it)
    $_autovenv_python -I -m autovenv sync --due -- $dir
    _autovenv_run
end

# --- Prompt prefix, like a venv's activate, while autovenv's venv is active ------------------
# fish_prompt is wrapped, and unwrapped exactly later.
function _autovenv_prompt_prefix
    set -l want 0
    if set -q AUTOVENV_VENV; and test -n "$AUTOVENV_VENV"; and test "$VIRTUAL_ENV" = "$AUTOVENV_VENV"
        set -q VIRTUAL_ENV_DISABLE_PROMPT; and test -n "$VIRTUAL_ENV_DISABLE_PROMPT"; or set want 1
    end
    if test $want = 1
        functions -q _autovenv_old_fish_prompt; and return 0
        functions -q fish_prompt; or return 0
        functions -c fish_prompt _autovenv_old_fish_prompt
        function fish_prompt
            set -l last_status $status
            # Printed as data; no escape sequence reaches the terminal raw.
            printf '(%s) ' (string replace -ra -- '[[:cntrl:]]' '' "$VIRTUAL_ENV_PROMPT")
            # Give the wrapped prompt the status it would have seen.
            echo "exit $last_status" | source
            _autovenv_old_fish_prompt
        end
    else if functions -q _autovenv_old_fish_prompt
        functions -e fish_prompt
        functions -c _autovenv_old_fish_prompt fish_prompt
        functions -e _autovenv_old_fish_prompt
    end
end

# --- autovenv's own commands (allow, deny, create...) take effect at the next prompt ---------
function autovenv
    $_autovenv_python -I -m autovenv $argv
    set -l rc $status
    set -g _autovenv_seen ''
    return $rc
end

# --- Install the hook once ----------------------------------------------------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
set -gx AUTOVENV_HOOK_PID $fish_pid
