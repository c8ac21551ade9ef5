
# --- Tab completion of autovenv's own commands and options --------------------------------
# Registering costs no process; autovenv is asked (click's completion protocol, in its bash
# form) only on Tab. Directory and file arguments get PowerShell's own path completion.
function global:_autovenv_complete([string]$word, $ast, [int]$cursor) {
    # The words before the cursor, each quoted for the shlex splitting click applies.
    $words = [System.Collections.Generic.List[string]]::new()
    foreach ($element in $ast.CommandElements) {
        if ($element.Extent.StartOffset -ge $cursor) { break }
        $text = $element.Extent.Text
        if ($element.Extent.EndOffset -gt $cursor) { $text = $text.Substring(0, $cursor - $element.Extent.StartOffset) }
        if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            if ($element.Extent.EndOffset -le $cursor) { $text = $element.Value }
        }
        $words.Add("'" + $text.Replace("'", "'\''") + "'")
    }
    # The cursor after a space starts a new, empty word.
    $index = $words.Count
    if ($word) { $index -= 1 } else { $words.Add("''") }
    $start = [System.Diagnostics.ProcessStartInfo]::new($global:_autovenv_python)
    foreach ($arg in @('-I', '-m', 'autovenv')) { $start.ArgumentList.Add($arg) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.StandardOutputEncoding = [System.Text.UTF8Encoding]::new($false)
    $start.Environment['_AUTOVENV_COMPLETE'] = 'bash_complete'
    $start.Environment['COMP_WORDS'] = [string]::Join(' ', $words)
    $start.Environment['COMP_CWORD'] = [string]$index
    try {
        $process = [System.Diagnostics.Process]::Start($start)
        $null = $process.StandardError.ReadToEndAsync()
        $response = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $process.Dispose()
    } catch {
        return
    }
    foreach ($line in $response.Split("`n")) {
        $type, $value = $line.Split(',', 2)
        if ($type -ceq 'plain' -and $value) {
            # Quoted when PowerShell would read it otherwise; shown as it is.
            $text = $value
            if ($value -match '[\s''"`$@#;&|(){}<>,\u2018-\u201e]') {
                $text = "'" + ($value -replace "(['\u2018\u2019\u201a\u201b])", '$1$1') + "'"
            }
            [System.Management.Automation.CompletionResult]::new($text, $value, 'ParameterValue', $value)
        }
        # dir, file: nothing here, so that PowerShell completes paths itself.
    }
}
Microsoft.PowerShell.Core\Register-ArgumentCompleter -Native -CommandName autovenv -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    _autovenv_complete $wordToComplete $commandAst $cursorPosition
}
