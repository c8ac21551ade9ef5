
# --- Tab completion of autovenv's own commands and options --------------------------------
# Registering costs no process; autovenv is asked (click's completion protocol) only on Tab.
_autovenv_complete() {
    builtin emulate -L zsh
    local -a response completions described
    local type key descr
    response=("${(@f)$(COMP_WORDS="${words[*]}" COMP_CWORD=$((CURRENT-1)) \
        _AUTOVENV_COMPLETE=zsh_complete __AUTOVENV_PYTHON__ -I -m autovenv 2>/dev/null)}")
    for type key descr in "${response[@]}"; do
        case $type in
            plain) if [[ $descr == _ ]]; then completions+=("$key"); else described+=("$key:$descr"); fi ;;
            dir) _path_files -/ ;;
            file) _path_files -f ;;
        esac
    done
    (( ${#described} )) && _describe -V unsorted described -U
    (( ${#completions} )) && compadd -U -V unsorted -a completions
    return 0
}

# compdef exists only once compinit has run, and rc files often run it after this hook:
# then register at the first prompt instead, once (without compinit by then there is none to
# register with, and a try at every prompt would cost more than the hook itself).
_autovenv_compdef() {
    (( $+functions[compdef] )) || return 1
    compdef _autovenv_complete autovenv
}
_autovenv_compdef_at_prompt() {
    precmd_functions=(${precmd_functions:#_autovenv_compdef_at_prompt})
    _autovenv_compdef
    return 0
}
_autovenv_compdef || precmd_functions+=(_autovenv_compdef_at_prompt)
