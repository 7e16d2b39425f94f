# zsh completion of one partial command line in a real interactive zsh (zpty): the completion file is
# found in fpath by compinit, as zsh finds /usr/share/zsh/vendor-completions/_pkttrace, and TAB is
# pressed twice (complete, then list). Prints what the terminal showed, carriage returns removed.
# Usage: zsh -f complete.zsh COMPLETION_DIR BIN_DIR 'pkttrace partial line'
zmodload zsh/zpty
zpty -b z "env -i PATH=$PATH HOME=/nonexistent TERM=dumb zsh -f -i"
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; path=($2 \$path)"
zpty -w -n z "$3"
zpty -w -n z $'\t'
sleep 2
zpty -w -n z $'\t'
sleep 3
out=
while zpty -r -t z chunk; do out+=$chunk; done
print -r -- "${out//$'\r'/}"
zpty -d z
