# autovenv hook for PowerShell. Load it with:  Invoke-Expression (& autovenv hook pwsh | Out-String)
# The helper decides; this file only asks it when something changed, and evaluates the answer.
# Commands are module-qualified (Microsoft.PowerShell.Management\Test-Path) so that no user
# alias or function can stand in for them; everything else is .NET or the language itself.

# --- Where autovenv runs (filled in by `autovenv hook`) ---------------------------------
$global:_autovenv_python = __AUTOVENV_PYTHON__
$global:_autovenv_helper = __AUTOVENV_HELPER__

# --- State of this shell session (not exported) ----------------------------------------
# The last answer holds at and below _autovenv_scope unless a probe name appears between
# the current directory and it, or a watched path ("0path"/"1path") stops (not) existing.
# The helper sets each of these as an array; single values are read as @(...)[0].
$global:_autovenv_scope = @('')
$global:_autovenv_probes = @()
$global:_autovenv_globs = @()
$global:_autovenv_watch = @()
$global:_autovenv_answer = @('')
$global:_autovenv_said = @('')
$global:_autovenv_pwd = $null
$global:_autovenv_seen = $null
$global:_autovenv_stale = $true
$global:_autovenv_failed = $false
# Paths compare as the file system does: without case on Windows.
$global:_autovenv_case = if ([System.IO.Path]::DirectorySeparatorChar -eq '\') {
    [System.StringComparison]::OrdinalIgnoreCase
} else {
    [System.StringComparison]::Ordinal
}

# Does the last answer still hold for $dir? Test-Path -LiteralPath and .NET only.
function global:_autovenv_in_scope([string]$dir) {
    $scope = [string]@($global:_autovenv_scope)[0]
    if (-not $scope) { return $false }
    $sep = [string][System.IO.Path]::DirectorySeparatorChar
    # '/' holds everywhere (it is what the helper says when the answer depends on no directory).
    if ($scope -ne '/' -and -not [string]::Equals($dir, $scope, $global:_autovenv_case) -and
            -not $dir.StartsWith($scope.TrimEnd($sep) + $sep, $global:_autovenv_case)) {
        return $false
    }
    while ($dir -and -not [string]::Equals($dir, $scope, $global:_autovenv_case)) {
        $item = [System.IO.DirectoryInfo]::new($dir)
        if ($item.Attributes -ne -1 -and ($item.Attributes -band [System.IO.FileAttributes]::ReparsePoint)) {
            return $false
        }
        foreach ($name in $global:_autovenv_probes) {
            if (Microsoft.PowerShell.Management\Test-Path -LiteralPath ([System.IO.Path]::Combine($dir, $name))) {
                return $false
            }
        }
        foreach ($pattern in $global:_autovenv_globs) {
            # The directory is taken literally; only the pattern has wildcards.
            try {
                foreach ($hit in [System.IO.Directory]::EnumerateFileSystemEntries($dir, $pattern)) { return $false }
            } catch { return $false }
        }
        $dir = [System.IO.Path]::GetDirectoryName($dir)
    }
    return ($scope -eq '/' -or [bool]$dir)
}

# Has any watched path appeared or disappeared?
function global:_autovenv_watch_changed {
    foreach ($entry in $global:_autovenv_watch) {
        $exists = Microsoft.PowerShell.Management\Test-Path -LiteralPath $entry.Substring(1)
        if ($exists -ne $entry.StartsWith('1')) { return $true }
    }
    return $false
}

# Ask the helper and evaluate its answer; on failure keep the shell working and warn once.
function global:_autovenv_run([string]$dir) {
    $rc = 127
    $out = $null
    if ((Microsoft.PowerShell.Management\Test-Path -LiteralPath $global:_autovenv_python -PathType Leaf) -and
            (Microsoft.PowerShell.Management\Test-Path -LiteralPath $global:_autovenv_helper -PathType Leaf)) {
        # PowerShell does not keep $env:PWD current; the helper reads the directory from it.
        $saved = @{ PWD = $env:PWD }
        $encoding = [Console]::OutputEncoding
        try {
            $env:PWD = $dir
            $env:_AUTOVENV_SAID = [string]@($global:_autovenv_said)[0]
            $env:_AUTOVENV_ANSWER = [string]@($global:_autovenv_answer)[0]
            # The helper writes UTF-8; without this Windows decodes it with the OEM code page.
            try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }
            if ($global:_autovenv_failed) {
                $out = & $global:_autovenv_python -I -S $global:_autovenv_helper export pwsh 2>$null
            } else {
                $out = & $global:_autovenv_python -I -S $global:_autovenv_helper export pwsh
            }
            $rc = $LASTEXITCODE
        } catch {
            $rc = 126
        } finally {
            try { [Console]::OutputEncoding = $encoding } catch { }
            if ($null -eq $saved.PWD) {
                Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:PWD -ErrorAction Ignore
            } else {
                $env:PWD = $saved.PWD
            }
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:_AUTOVENV_SAID -ErrorAction Ignore
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath Env:_AUTOVENV_ANSWER -ErrorAction Ignore
        }
    }
    if ($rc -eq 0) {
        # Output arrives as lines; a value's own newlines come back as "`n".
        $text = @($out) -join "`n"
        if ($text) { Microsoft.PowerShell.Utility\Invoke-Expression $text }
        $global:_autovenv_failed = $false
    } else {
        $global:_autovenv_scope = @('')
        if (-not $global:_autovenv_failed) {
            $Host.UI.WriteErrorLine("autovenv: the hook failed (exit $rc); the shell works, venvs are not switched. Run: autovenv doctor")
        }
        $global:_autovenv_failed = $true
    }
}

# Runs before each prompt: no process unless the directory left the answer's scope, a watched
# path changed, AUTOVENV_DISABLE or VIRTUAL_ENV changed, or an autovenv command ran.
function global:_autovenv_hook {
    Microsoft.PowerShell.Core\Set-StrictMode -Off
    # The file system directory, even while the location is in another provider (Env:, HKLM:).
    $dir = $ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath
    if ($dir -cne $global:_autovenv_pwd) {
        $global:_autovenv_pwd = $dir
        if (-not (_autovenv_in_scope $dir)) { $global:_autovenv_stale = $true }
    }
    if (([string]$env:AUTOVENV_DISABLE + '/' + $env:VIRTUAL_ENV) -cne $global:_autovenv_seen) {
        $global:_autovenv_stale = $true
    }
    if ($global:_autovenv_stale -or (_autovenv_watch_changed)) {
        $global:_autovenv_stale = $false
        _autovenv_run $dir
        $global:_autovenv_seen = [string]$env:AUTOVENV_DISABLE + '/' + $env:VIRTUAL_ENV
    }
}

# autovenv's own commands (allow, deny, create...) take effect at the next prompt.
function global:autovenv {
    & $global:_autovenv_python -I -m autovenv @args
    $global:_autovenv_stale = $true
}

# --- Install the hook once, around whatever prompt function is there ---------------------
# AUTOVENV_HOOK_PID tells `autovenv doctor` (a child of this shell) that the hook is loaded here.
$env:AUTOVENV_HOOK_PID = [string]$PID
# (Get-Variable, not $global:_autovenv_loaded: a profile's Set-StrictMode forbids reading unset ones.)
if ($null -eq (Microsoft.PowerShell.Utility\Get-Variable -Name _autovenv_loaded -Scope Global -ErrorAction Ignore)) {
    $global:_autovenv_loaded = $true
    $global:_autovenv_old_prompt = $function:prompt
    function global:prompt {
        # Read first: every statement below changes $?.
        $ok = $?
        $code = $global:LASTEXITCODE
        try { $null = _autovenv_hook } catch { }
        # Prefix the prompt like a venv's Activate.ps1 does, while autovenv's venv is active.
        # Written as text, never evaluated, so the name cannot be code.
        if ($env:AUTOVENV_VENV -and $env:VIRTUAL_ENV -ceq $env:AUTOVENV_VENV -and -not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
            Microsoft.PowerShell.Utility\Write-Host -NoNewline ('(' + $env:VIRTUAL_ENV_PROMPT + ') ')
        }
        $global:LASTEXITCODE = $code
        $old = $global:_autovenv_old_prompt
        if ($null -eq $old) { $old = { 'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + '> ' } }
        # Hand the wrapped prompt the $? it would have seen (Write-Error ... Ignore sets it false).
        if ($ok) { & $old } else { Microsoft.PowerShell.Utility\Write-Error '' -ErrorAction Ignore; & $old }
    }
}
