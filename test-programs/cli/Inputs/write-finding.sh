# Stands in for an instrumented program: prints FFISAN_OPTIONS, appends the findings of $1 to the
# options' json_path the way the runtime does, and exits with $2.
echo "FFISAN_OPTIONS=$FFISAN_OPTIONS"
json_path=$(printf '%s\n' "$FFISAN_OPTIONS" | tr ':' '\n' | sed -n 's/^json_path=//p' | tail -n 1)
cat "$1" >> "$json_path"
exit "$2"
