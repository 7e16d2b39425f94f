# Bash completion of one partial command line, as bash does it on TAB: the completion script is
# sourced, the function it registered for pkttrace (complete -p) is called with COMP_WORDS/COMP_CWORD
# and the candidates it leaves in COMPREPLY are printed, one per line.
# Usage: bash --norc --noprofile complete.bash SCRIPT WORD... (the last word is the one being completed, may be "")
set -u
script=$1
shift
# shellcheck disable=SC1090
source "$script"
spec=$(complete -p pkttrace) || { echo "complete.bash: $script registers no completion for pkttrace" >&2; exit 1; }
func=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
COMP_WORDS=("$@")
COMP_CWORD=$(( $# - 1 ))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
# compopt only works inside a real TAB completion; what it says outside one is not the script's error.
"$func" pkttrace "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" \
  2> >(grep -v 'compopt: not currently executing completion function' >&2)
printf '%s\n' "${COMPREPLY[@]}"
