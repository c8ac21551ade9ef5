# autovenv hook for PowerShell 7 (pwsh). Load it with:  Invoke-Expression (& autovenv hook pwsh | Out-String)
# The helper decides; this file only asks it when something changed, and applies the answer.
# The same functions, in the same order, as every autovenv snippet: hook, in-scope test, watch
# test, run the helper, prompt prefix, and the `autovenv` command.
# On the way to a prompt there is only .NET and the language itself: a cmdlet or a function
# call costs tens of microseconds. The few cmdlets left are module-qualified, so that no user
# alias or function can stand in for them. The code is clean under Set-StrictMode -Version
# Latest (a profile may set it, and it holds in every function the prompt calls).

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
$global:_autovenv_python = __AUTOVENV_PYTHON__
$global:_autovenv_helper = __AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The helper's answer sets the variables from _autovenv_scope to _autovenv_said (those this
# snippet reads); what each means is described once, in src/autovenv/hook/export.py
# (answer_text).
# The answer sets each of these as a list (_autovenv_apply); single values are item [0].
$global:_autovenv_scope = @('')
$global:_autovenv_probes = @()
$global:_autovenv_globs = @()
$global:_autovenv_watch_present = @()
$global:_autovenv_watch_absent = @()
$global:_autovenv_same = @()
$global:_autovenv_real = @()
$global:_autovenv_synced = @()
$global:_autovenv_inputs = @()
$global:_autovenv_redirect = @()
$global:_autovenv_answer = @('')
$global:_autovenv_said = @('')
# The hook's own decision state, the same in every snippet:
# _autovenv_pwd: the directory the answer was last found to hold for;
# _autovenv_seen: AUTOVENV_DISABLE/VIRTUAL_ENV after the last helper run ('' = ask the helper
#   at the next prompt: an `autovenv` command ran, or a run was cut short);
# _autovenv_failed: the last run failed (its warning is said, the helper's stderr kept quiet).
$global:_autovenv_pwd = ''
$global:_autovenv_seen = ''
$global:_autovenv_failed = $false
# The prompt prefix, written before the wrapped prompt.
$global:_autovenv_prefix = ''

# --- Hook: runs before each prompt, past the prompt's fast path (inline in it, at the end) ----
# No process unless the directory left the answer's scope, a watched path changed ($watched:
# the prompt's own tests saw it), AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv
# command ran. Variables are read with .NET: $env: goes through a provider, ten times slower.
function global:_autovenv_hook([string]$dir, [bool]$watched) {
    $seen = [System.Environment]::GetEnvironmentVariable('AUTOVENV_DISABLE') + '/' +
        [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    if ($watched -or $seen -cne $global:_autovenv_seen -or
            ($dir -cne $global:_autovenv_pwd -and -not (_autovenv_in_scope $dir)) -or
            (($global:_autovenv_same.Length -or $global:_autovenv_redirect.Length) -and (_autovenv_watch_changed))) {
        $global:_autovenv_seen = ''  # until the answer is in: Ctrl-C cuts a prompt short
        _autovenv_run $dir
        $global:_autovenv_seen = [System.Environment]::GetEnvironmentVariable('AUTOVENV_DISABLE') + '/' +
            [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
    }
    $global:_autovenv_pwd = $dir
}

# --- In-scope test: does the last answer still hold for $dir? -----------------------------
# Paths go to .NET only, never through PowerShell's wildcards. [IO.Path]::Exists is true for
# a dangling symbolic link too (it is there, as the helper sees it).
function global:_autovenv_in_scope([string]$dir) {
    $scope = ''
    foreach ($scope in $global:_autovenv_scope) { break }
    if (-not $scope) { return $false }
    $sep = [string][System.IO.Path]::DirectorySeparatorChar
    # '/' holds everywhere (it is what the helper says when the answer depends on no directory).
    if ($scope -cne '/' -and $dir -cne $scope -and
            -not $dir.StartsWith($scope.TrimEnd($sep) + $sep, [System.StringComparison]::Ordinal)) {
        return $false
    }
    while ($dir -cne $scope) {
        if ([System.IO.DirectoryInfo]::new($dir).Attributes -band [System.IO.FileAttributes]::ReparsePoint) {
            return $false  # a symbolic link: where it leads is the helper's to say
        }
        foreach ($name in $global:_autovenv_probes) {
            if ([System.IO.Path]::Exists([System.IO.Path]::Join($dir, $name))) { return $false }
        }
        foreach ($pattern in $global:_autovenv_globs) {
            # Only the pattern has wildcards; an unreadable directory is a change too.
            try {
                foreach ($hit in [System.IO.Directory]::EnumerateFileSystemEntries($dir, $pattern)) { return $false }
            } catch { return $false }
        }
        $dir = [System.IO.Path]::GetDirectoryName($dir)
        if (-not $dir) { return $false }
    }
    return $true
}

# --- Watch test: has a watched path appeared, disappeared, been retargeted or changed? -------
# The prompt's fast path runs the cheap ones inline on the same lists, and the hook calls this
# when a path must be resolved (a venv reached through a symbolic link) or a file read (a
# .venv redirect file).
function global:_autovenv_watch_changed {
    foreach ($path in $global:_autovenv_watch_present) {
        if (-not [System.IO.Path]::Exists($path)) { return $true }
    }
    foreach ($path in $global:_autovenv_watch_absent) {
        if ([System.IO.Path]::Exists($path)) { return $true }
    }
    foreach ($path in $global:_autovenv_same) {
        if ((_autovenv_realpath $path) -cne $global:_autovenv_real[0]) { return $true }
    }
    foreach ($path in $global:_autovenv_inputs) {
        # As test's -nt: the input exists, and the record does not or is older.
        if ([System.IO.File]::GetLastWriteTimeUtc($path) -gt [System.IO.File]::GetLastWriteTimeUtc($global:_autovenv_synced[0])) { return $true }
    }
    if ($global:_autovenv_redirect.Length -and (_autovenv_redirect_changed)) { return $true }
    return $false
}

# The path with every symbolic link on it resolved, as realpath(3) does; '' when it cannot be
# (a loop, or nothing there). .NET has no test of device and inode, so a path names the venv
# while it resolves to the venv's real path. (POSIX paths: the hook is tested on Linux.)
function global:_autovenv_realpath([string]$path) {
    $todo = [System.Collections.Generic.Stack[string]]::new()
    $names = $path.Split('/')
    for ($i = $names.Length - 1; $i -ge 0; $i--) { $todo.Push($names[$i]) }
    $done = ''
    $hops = 0
    while ($todo.Count) {
        $name = $todo.Pop()
        if ($name -ceq '' -or $name -ceq '.') { continue }
        if ($name -ceq '..') { $done = $done.Substring(0, [Math]::Max(0, $done.LastIndexOf('/'))); continue }
        $next = $done + '/' + $name
        $target = [System.IO.FileInfo]::new($next).LinkTarget
        if ($null -eq $target) { $done = $next; continue }
        $hops += 1
        if ($hops -gt 40) { return '' }
        if ($target.StartsWith('/')) { $done = '' }
        $names = $target.Split('/')
        for ($i = $names.Length - 1; $i -ge 0; $i--) { $todo.Push($names[$i]) }
    }
    if (-not $done) { $done = '/' }
    if (-not [System.IO.Path]::Exists($done)) { return '' }
    return $done
}

# Does the redirect file no longer hold the text the answer was made from? (Its own function,
# as in the other snippets.) It is read only while it has a redirect's size (1 to 4096 bytes,
# hook/venvs.py): .NET cannot tell a regular file from a FIFO, whose read would block the
# prompt, but a FIFO or a device has no size.
function global:_autovenv_redirect_changed {
    $path = $global:_autovenv_redirect[0]
    $info = [System.IO.FileInfo]::new($path)
    if (-not $info.Exists -or $info.Length -eq 0 -or $info.Length -gt 4096) { return $true }
    try {
        return [System.IO.File]::ReadAllText($path, [System.Text.UTF8Encoding]::new($false)) -cne
            [string]$global:_autovenv_redirect[1]
    } catch {
        return $true
    }
}

# --- Run the helper and apply its answer; on failure keep the shell working and warn once ---
# .NET starts it (no native-command machinery): its stderr stays the terminal's, so its
# messages reach the screen even from inside the prompt, where PowerShell would swallow a
# native command's stderr; its environment is set on the child alone.
function global:_autovenv_run([string]$dir) {
    $rc = 127
    $out = ''
    try {
        $start = [System.Diagnostics.ProcessStartInfo]::new($global:_autovenv_python)
        foreach ($arg in @('-I', '-S', $global:_autovenv_helper, 'export', 'pwsh')) {
            $start.ArgumentList.Add($arg)
        }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
        # After a failure, the helper's own message is not repeated at every prompt.
        $start.RedirectStandardError = $global:_autovenv_failed
        # PowerShell keeps neither the process's directory nor $env:PWD current; the helper
        # reads PWD (and says so when the directory no longer exists).
        if ([System.IO.Directory]::Exists($dir)) { $start.WorkingDirectory = $dir }
        $start.Environment['PWD'] = $dir
        $start.Environment['_AUTOVENV_SAID'] = [string]$global:_autovenv_said[0]
        $start.Environment['_AUTOVENV_ANSWER'] = [string]$global:_autovenv_answer[0]
        $process = [System.Diagnostics.Process]::Start($start)
        if ($global:_autovenv_failed) { $null = $process.StandardError.ReadToEndAsync() }
        $out = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $rc = $process.ExitCode
        $process.Dispose()
        if ($rc -eq 0) {
            _autovenv_apply $out
            $global:_autovenv_failed = $false
            _autovenv_prompt_prefix
            return
        }
    } catch {
        # Not there, not runnable (autovenv uninstalled under the shell), or an answer cut short.
    }
    $global:_autovenv_scope = @('')
    if (-not $global:_autovenv_failed) {
        [Console]::Error.WriteLine("autovenv: the hook failed (exit $rc); the shell works, venvs are not switched. Run: autovenv doctor")
    }
    $global:_autovenv_failed = $true
    _autovenv_prompt_prefix
}

# The answer is data, never evaluated (autovenv/shells/pwsh.py writes it): NUL-separated
# records "E name value" (set an environment variable), "U name" (remove one) and
# "L name count value..." (a list of this snippet's own state); anything else between them.
function global:_autovenv_apply([string]$text) {
    $fields = $text.Split([char]0)
    $i = 0
    while ($i -lt $fields.Length) {
        $op = $fields[$i]
        if ($op -ceq 'E') {
            [System.Environment]::SetEnvironmentVariable($fields[$i + 1], $fields[$i + 2])
            $i += 3
        } elseif ($op -ceq 'U') {
            # ([NullString]: PowerShell hands a .NET string parameter '' for $null.)
            [System.Environment]::SetEnvironmentVariable($fields[$i + 1], [NullString]::Value)
            $i += 2
        } elseif ($op -ceq 'L') {
            $name = $fields[$i + 1]
            $values = [string[]]::new([int]$fields[$i + 2])
            [System.Array]::Copy($fields, $i + 3, $values, 0, $values.Length)
            if ($name.StartsWith('_autovenv_')) {
                $ExecutionContext.SessionState.PSVariable.Set('global:' + $name, $values)
            }
            $i += 3 + $values.Length
        } else {
            $i += 1
        }
    }
}

# --- Prompt prefix, like a venv's Activate.ps1, while autovenv's venv is active --------------
# Worked out after each helper run (VIRTUAL_ENV changing runs it too); each prompt writes it to the host before the
# wrapped prompt runs (a prompt may Write-Host its own parts first), as text: never code.
function global:_autovenv_prompt_prefix {
    $global:_autovenv_prefix = ''
    $venv = [System.Environment]::GetEnvironmentVariable('AUTOVENV_VENV')
    if ($venv -and $venv -ceq [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV') -and
            -not [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV_DISABLE_PROMPT')) {
        # No escape sequence reaches the terminal raw.
        $global:_autovenv_prefix = '(' + ([string][System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV_PROMPT') -creplace '\p{Cc}', '') + ') '
    }
}

# --- autovenv's own commands (allow, deny, create...) take effect at the next prompt ---------
function global:autovenv {
    & $global:_autovenv_python -I -m autovenv @args
    $global:_autovenv_seen = ''
}

# --- Install the hook once, around whatever prompt function is there ---------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
$env:AUTOVENV_HOOK_PID = [string]$PID
# (Get-Variable, not $global:_autovenv_loaded: a profile's Set-StrictMode forbids reading unset ones.)
if ($null -eq (Microsoft.PowerShell.Utility\Get-Variable -Name _autovenv_loaded -Scope Global -ErrorAction Ignore)) {
    $global:_autovenv_loaded = $true
    $global:_autovenv_old_prompt = $function:prompt
    if ($null -eq $global:_autovenv_old_prompt) {
        $global:_autovenv_old_prompt = { 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> ' }
    }
    function global:prompt {
        # Read first: every statement below changes $?.
        $ok = $?
        $code = $global:LASTEXITCODE
        # Fast path, inline (a function call would be most of the budget): same directory,
        # same variables, no watched path changed. The file system directory is taken even
        # while the location is in another provider (Env:, HKLM:), or $PWD is shadowed.
        $dir = $PWD
        if ($dir -is [System.Management.Automation.PathInfo] -and $dir.Provider.Name -ceq 'FileSystem') {
            $dir = $dir.ProviderPath
        } else {
            $dir = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath
        }
        $watched = $false
        foreach ($path in $global:_autovenv_watch_present) {
            if (-not [System.IO.Path]::Exists($path)) { $watched = $true }
        }
        foreach ($path in $global:_autovenv_watch_absent) {
            if ([System.IO.Path]::Exists($path)) { $watched = $true }
        }
        if ($global:_autovenv_inputs.Length) {  # -nt: newer than the record of the last sync
            $synced = [System.IO.File]::GetLastWriteTimeUtc($global:_autovenv_synced[0])
            foreach ($path in $global:_autovenv_inputs) {
                if ([System.IO.File]::GetLastWriteTimeUtc($path) -gt $synced) { $watched = $true }
            }
        }
        # (a venv reached through a symbolic link is resolved in the hook, by the watch test)
        if ($watched -or $global:_autovenv_same.Length -or $global:_autovenv_redirect.Length -or
                $dir -cne $global:_autovenv_pwd -or
                ([System.Environment]::GetEnvironmentVariable('AUTOVENV_DISABLE') + '/' +
                [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')) -cne $global:_autovenv_seen) {
            try { _autovenv_hook $dir $watched } catch { $global:_autovenv_seen = '' }
        }
        if ($global:_autovenv_prefix) { $Host.UI.Write($global:_autovenv_prefix) }
        $global:LASTEXITCODE = $code
        # Hand the wrapped prompt the $? it would have seen (Write-Error ... Ignore sets it false).
        if ($ok) {
            & $global:_autovenv_old_prompt
        } else {
            Microsoft.PowerShell.Utility\Write-Error '' -ErrorAction Ignore
            & $global:_autovenv_old_prompt
        }
    }
}
