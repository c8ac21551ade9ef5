
# --- Tab completion of autovenv's own commands and options --------------------------------
# Registering costs no process; autovenv is asked (click's completion protocol) only on Tab.
function _autovenv_complete
    set -lx _AUTOVENV_COMPLETE fish_complete
    set -lx COMP_WORDS (commandline -cp)
    set -lx COMP_CWORD (commandline -t)
    for completion in (__AUTOVENV_PYTHON__ -I -m autovenv 2>/dev/null)
        set -l metadata (string split -m 1 , -- $completion)
        switch $metadata[1]
            case dir
                __fish_complete_directories $metadata[2]
            case file
                __fish_complete_path $metadata[2]
            case plain
                printf '%s\n' $metadata[2]
        end
    end
end
# `autovenv` is the snippet's function; completion is registered for that name.
complete --command autovenv --no-files --arguments '(_autovenv_complete)'
