# autovenv hook for elvish. Load it with:  eval (autovenv hook elvish | slurp)
# The helper decides; this file only asks it when something changed, and evaluates the answer.
# This code runs in a namespace of its own (eval's), so a user's functions never stand in for
# the builtins it calls; only `autovenv` is added to the REPL.
use path
use re
use str

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
var _autovenv_python = __AUTOVENV_PYTHON__
var _autovenv_helper = __AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said; what each
# means is described once, in src/autovenv/hook/export.py (answer_text).
var _autovenv_scope = ''
var _autovenv_probes = []
var _autovenv_globs = []
var _autovenv_watch = []
var _autovenv_same = []
var _autovenv_real = ''
var _autovenv_redirect = []
var _autovenv_answer = ''
var _autovenv_said = ''
var _autovenv_pwd = ''
var _autovenv_seen = ''
var _autovenv_stale = $true
var _autovenv_failed = $false
var _autovenv_old_prompt = $nil

# Does the path exist (following symbolic links, like test -e)?
fn _autovenv_exists {|p|
    or (path:is-dir &follow-symlink $p) (path:is-regular &follow-symlink $p)
}

# Does a name in dir match the glob pattern? (* only; the directory is never a pattern)
fn _autovenv_glob_hit {|dir pattern|
    var regex = '^'(str:join '.*' [(str:split '*' $pattern | each {|part| re:quote $part })])'$'
    for entry [(put $dir/*[match-hidden][nomatch-ok])] {
        if (re:match $regex (path:base $entry)) { put $true; return }
    }
    put $false
}

# Does the last answer still hold for dir? File tests only.
fn _autovenv_in_scope {|dir|
    var scope = $_autovenv_scope
    if (or (eq $scope '') (not (or (eq $scope /) (eq $dir $scope) (str:has-prefix $dir $scope/)))) {
        put $false; return
    }
    while (not-eq $dir $scope) {
        # A symbolic link on the way: the helper resolved it, the prefix test did not.
        if (and (path:is-dir &follow-symlink $dir) (not (path:is-dir $dir))) { put $false; return }
        for name $_autovenv_probes {
            if (_autovenv_exists $dir/$name) { put $false; return }
        }
        for pattern $_autovenv_globs {
            if (_autovenv_glob_hit $dir $pattern) { put $false; return }
        }
        if (eq $dir /) { put $false; return }
        set dir = (path:dir $dir)
    }
    put $true
}

# Has any watched path appeared or disappeared?
fn _autovenv_watch_changed {
    for entry $_autovenv_watch {
        var p = $entry[1..]
        var now = '0'
        if (or (_autovenv_exists $p) (path:is-dir $p) (path:is-regular $p)) { set now = '1' }
        if (not-eq $now $entry[0..1]) { put $true; return }
    }
    for p $_autovenv_same {
        # elvish has no test of device and inode: the path with every link resolved must be
        # the real path (it is, as the helper resolved it, while nothing changed).
        var resolved = ''
        try { set resolved = (path:eval-symlinks $p) } catch { }
        if (not-eq $resolved $_autovenv_real) { put $true; return }
    }
    if (not-eq $_autovenv_redirect []) {
        # Read only while it is a regular file (a FIFO would block the prompt).
        var text = $nil
        if (path:is-regular &follow-symlink $_autovenv_redirect[0]) {
            try { set text = (slurp < $_autovenv_redirect[0]) } catch { }
        }
        if (not-eq $text $_autovenv_redirect[1]) { put $true; return }
    }
    put $false
}

# Prefix the prompt like a venv's activate does: wrap edit:prompt, unwrap it exactly later.
# The prefix is a string value the prompt prints, never code.
fn _autovenv_prompt {
    # No escape sequence reaches the terminal raw.
    put '('(re:replace '\p{Cc}' '' $E:VIRTUAL_ENV_PROMPT)') '
    $_autovenv_old_prompt
}
fn _autovenv_sync_prompt {
    if (and (not-eq $E:AUTOVENV_VENV '') (eq $E:VIRTUAL_ENV $E:AUTOVENV_VENV) (eq $E:VIRTUAL_ENV_DISABLE_PROMPT '')) {
        if (eq $_autovenv_old_prompt $nil) {
            set _autovenv_old_prompt = $edit:prompt
            set edit:prompt = $_autovenv_prompt~
        }
    } elif (not-eq $_autovenv_old_prompt $nil) {
        # Put it back only if nobody replaced the wrapper meanwhile.
        if (eq $edit:prompt $_autovenv_prompt~) { set edit:prompt = $_autovenv_old_prompt }
        set _autovenv_old_prompt = $nil
    }
}

# Ask the helper and evaluate its answer; on failure keep the shell working and warn once.
fn _autovenv_run {
    var out = ''
    var rc = 127
    if (and (path:is-regular &follow-symlink $_autovenv_python) (path:is-regular &follow-symlink $_autovenv_helper)) {
        # Only this command sees them; tmp restores (or unsets) them when this function ends.
        tmp E:_AUTOVENV_SAID = $_autovenv_said
        tmp E:_AUTOVENV_ANSWER = $_autovenv_answer
        # After a failure the helper's own messages stay quiet (appended: a log keeps its text).
        var errors = (if $_autovenv_failed { put $path:dev-null } else { put /dev/stderr })
        var done = ?(set out = ($_autovenv_python -I -S $_autovenv_helper export elvish 2>>$errors | slurp))
        set rc = 0
        if (not $done) {
            set rc = 1
            try { set rc = $done[reason][exit-status] } catch { }
        }
    }
    if (and (eq $rc 0) (not-eq $out '')) {
        # A fresh namespace: the answer can set the environment and its own variables only.
        var evaluated = ?(eval $out &ns=(ns [&]) &on-end={|answer|
            set _autovenv_scope = $answer[_autovenv_scope][0]
            set _autovenv_probes = $answer[_autovenv_probes]
            set _autovenv_globs = $answer[_autovenv_globs]
            set _autovenv_watch = $answer[_autovenv_watch]
            set _autovenv_same = $answer[_autovenv_same]
            set _autovenv_redirect = $answer[_autovenv_redirect]
            set _autovenv_real = (or (all $answer[_autovenv_real]) '')
            set _autovenv_answer = $answer[_autovenv_answer][0]
            set _autovenv_said = $answer[_autovenv_said][0]
        })
        if (not $evaluated) { set rc = 'eval' }
    }
    if (eq $rc 0) {
        set _autovenv_failed = $false
    } else {
        set _autovenv_scope = ''
        if (not $_autovenv_failed) {
            echo 'autovenv: the hook failed (exit '$rc'); the shell works, venvs are not switched. Run: autovenv doctor' >&2
        }
        set _autovenv_failed = $true
    }
    _autovenv_sync_prompt
}

# Runs before each prompt: no process unless the directory left the answer's scope, a watched
# path changed, AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
fn _autovenv_hook {
    if (not-eq $pwd $_autovenv_pwd) {
        set _autovenv_pwd = $pwd
        if (not (_autovenv_in_scope $pwd)) { set _autovenv_stale = $true }
    }
    if (not-eq $E:AUTOVENV_DISABLE/$E:VIRTUAL_ENV $_autovenv_seen) { set _autovenv_stale = $true }
    if (or $_autovenv_stale (_autovenv_watch_changed)) {
        set _autovenv_stale = $false
        _autovenv_run
        set _autovenv_seen = $E:AUTOVENV_DISABLE/$E:VIRTUAL_ENV
    }
}

# autovenv's own commands (allow, deny, create...) take effect at the next prompt.
fn autovenv {|@args|
    try { $_autovenv_python -I -m autovenv $@args } finally { set _autovenv_stale = $true }
}
edit:add-var autovenv~ $autovenv~

# --- Install the hook once: a second load replaces the first one's hook ---------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
set-env AUTOVENV_HOOK_PID (to-string $pid)
fn _autovenv_ours {|hook|
    var body = ''
    try { set body = $hook[body] } catch { }
    eq $body ' _autovenv_hook '
}
set edit:before-readline = [(each {|hook| if (not (_autovenv_ours $hook)) { put $hook } } $edit:before-readline) {|| _autovenv_hook }]
