
# --- Tab completion of autovenv's own commands and options --------------------------------
# Registering costs no process; autovenv is asked (click's completion protocol) only on Tab.
_autovenv_complete() {
    local response type value
    response=$(COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD _AUTOVENV_COMPLETE=bash_complete \
        __AUTOVENV_PYTHON__ -I -m autovenv 2>/dev/null) || return 0
    COMPREPLY=()
    # Read line by line: a `for` over $response would glob-expand the candidates.
    while IFS=, builtin read -r type value; do
        case $type in
            dir) COMPREPLY=(); builtin compopt -o dirnames 2>/dev/null; return 0 ;;
            file) COMPREPLY=(); builtin compopt -o default 2>/dev/null; return 0 ;;
            plain) COMPREPLY+=("$value") ;;
        esac
    done <<<"$response"
    return 0
}
# `autovenv` is the snippet's function; completion is registered for that name. nosort: bash >= 4.4.
builtin complete -o nosort -F _autovenv_complete autovenv 2>/dev/null ||
    builtin complete -F _autovenv_complete autovenv
