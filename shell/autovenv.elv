# autovenv hook for elvish. Load it with:  eval (autovenv hook elvish | slurp)
# The helper decides; this file only asks it when something changed, and evaluates the answer.
# The same functions, in the same order, as every autovenv snippet: hook, in-scope test, watch
# test, run the helper, prompt prefix, and the `autovenv` command.
# This code runs in a namespace of its own (eval's), so a user's functions never stand in for
# the builtins it calls; only `autovenv` is added to the REPL.
use path
use re
use str

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
var _autovenv_python = __AUTOVENV_PYTHON__
var _autovenv_helper = __AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said (those this
# snippet reads); what each means is described once, in src/autovenv/hook/export.py
# (answer_text).
var _autovenv_scope = ''
var _autovenv_probes = []
var _autovenv_globs = []
var _autovenv_watch_present = []
var _autovenv_watch_absent = []
var _autovenv_real = ''
var _autovenv_same = []
var _autovenv_redirect = []
var _autovenv_answer = ''
var _autovenv_said = ''
# The hook's own decision state, the same in every snippet:
# _autovenv_pwd: the directory the answer was last found to hold for;
# _autovenv_seen: AUTOVENV_DISABLE/VIRTUAL_ENV after the last helper run ('' = ask the helper
#   at the next prompt: an `autovenv` command ran, or a run was cut short);
# _autovenv_failed: the last run failed (its warning is said, the helper's stderr kept quiet).
var _autovenv_pwd = ''
var _autovenv_seen = ''
var _autovenv_failed = $false
# The prompt this snippet wrapped, while it shows the prefix.
var _autovenv_old_prompt = $nil

# elvish binds a call to a function when it compiles the call, so every function is declared
# here and defined below, in the shared order. They are lambdas, and a lambda has no `return`
# (it would end its caller): each one's value is its last expression, and a loop stops at
# `break`.
var _autovenv_hook~ _autovenv_in_scope~ _autovenv_exists~ _autovenv_glob_hit~
var _autovenv_watch_changed~ _autovenv_redirect_changed~ _autovenv_run~
var _autovenv_prompt_prefix~ _autovenv_prompt~

# --- Hook: runs before each prompt --------------------------------------------------------
# No process unless the directory left the answer's scope, a watched path changed,
# AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran. (Builtins only: elvish
# 0.19 has no test of modification times, so a sync input changed under the shell is seen at
# the next helper run.)
set _autovenv_hook~ = {||
    if (or (not-eq $E:AUTOVENV_DISABLE/$E:VIRTUAL_ENV $_autovenv_seen) ^
            (and (not-eq $pwd $_autovenv_pwd) (not (_autovenv_in_scope $pwd))) ^
            (_autovenv_watch_changed)) {
        set _autovenv_seen = ''  # until the answer is in: Ctrl-C cuts a hook short
        _autovenv_run
        set _autovenv_seen = $E:AUTOVENV_DISABLE/$E:VIRTUAL_ENV
    }
    set _autovenv_pwd = $pwd
}

# --- In-scope test: does the last answer still hold for dir? File tests only ---------------
set _autovenv_in_scope~ = {|dir|
    var scope = $_autovenv_scope
    var holds = (and (not-eq $scope '') (or (eq $scope /) (eq $dir $scope) (str:has-prefix $dir $scope/)))
    while (and $holds (not-eq $dir $scope)) {
        # A symbolic link on the way (a directory, but not unfollowed): the helper resolved it,
        # the prefix test did not.
        if (and (path:is-dir &follow-symlink $dir) (not (path:is-dir $dir))) { set holds = $false }
        for name $_autovenv_probes {
            if (_autovenv_exists $dir/$name) { set holds = $false; break }
        }
        for pattern $_autovenv_globs {
            if (_autovenv_glob_hit $dir $pattern) { set holds = $false; break }
        }
        if (eq $dir /) { set holds = $false }
        set dir = (path:dir $dir)
    }
    put $holds
}

# Does the path exist (following symbolic links, like test -e)? (Its own function: both tests
# use it; a regular file is the common case, asked first.)
set _autovenv_exists~ = {|p|
    or (path:is-regular &follow-symlink $p) (path:is-dir &follow-symlink $p)
}

# Does a name in dir match the glob pattern? (Its own function: elvish matches names against
# the pattern as a regex, * only; the directory is never a pattern.)
set _autovenv_glob_hit~ = {|dir pattern|
    var regex = '^'(str:join '.*' [(str:split '*' $pattern | each {|part| re:quote $part })])'$'
    var hit = $false
    for entry [(put $dir/*[match-hidden][nomatch-ok])] {
        if (re:match $regex (path:base $entry)) { set hit = $true; break }
    }
    put $hit
}

# --- Watch test: has a watched path appeared, disappeared, been retargeted or changed? -------
set _autovenv_watch_changed~ = {||
    var changed = $false
    for p $_autovenv_watch_present {
        if (not (_autovenv_exists $p)) { set changed = $true; break }
    }
    for p $_autovenv_watch_absent {
        if (_autovenv_exists $p) { set changed = $true; break }
    }
    for p $_autovenv_same {
        # elvish has no test of device and inode: the path with every link resolved must be
        # the real path (it is, as the helper resolved it, while nothing changed).
        var resolved = ''
        try { set resolved = (path:eval-symlinks $p) } catch { }
        if (not-eq $resolved $_autovenv_real) { set changed = $true; break }
    }
    if (and (not-eq $_autovenv_redirect []) (_autovenv_redirect_changed)) { set changed = $true }
    put $changed
}

# Does the redirect file no longer hold the text the answer was made from? (Its own function,
# as in the other snippets.) It is read only while it is a regular file (a FIFO would block
# the prompt).
set _autovenv_redirect_changed~ = {||
    var text = $nil
    if (path:is-regular &follow-symlink $_autovenv_redirect[0]) {
        try { set text = (slurp < $_autovenv_redirect[0]) } catch { }
    }
    not-eq $text $_autovenv_redirect[1]
}

# --- Run the helper and evaluate its answer; on failure keep the shell working, warn once ----
set _autovenv_run~ = {||
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
            set _autovenv_watch_present = $answer[_autovenv_watch_present]
            set _autovenv_watch_absent = $answer[_autovenv_watch_absent]
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
    _autovenv_prompt_prefix
}

# --- Prompt prefix, like a venv's activate, while autovenv's venv is active ------------------
# edit:prompt is wrapped, and unwrapped exactly later.
set _autovenv_prompt_prefix~ = {||
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

# The wrapper (its own function: edit:prompt is a function). The prefix is a string value the
# prompt prints, never code; no escape sequence reaches the terminal raw.
set _autovenv_prompt~ = {||
    put '('(re:replace '\p{Cc}' '' $E:VIRTUAL_ENV_PROMPT)') '
    $_autovenv_old_prompt
}

# --- autovenv's own commands (allow, deny, create...) take effect at the next prompt ---------
fn autovenv {|@args|
    try { $_autovenv_python -I -m autovenv $@args } finally { set _autovenv_seen = '' }
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
