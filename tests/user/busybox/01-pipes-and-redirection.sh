# Pipelines, redirections, here-documents and command substitution.
echo "one two three" | tr ' ' '\n' | sort | head -n 2
printf 'alpha\nbeta\ngamma\n' > f.txt
wc -l < f.txt
cat f.txt | grep -n a | tail -n 1
echo appended >> f.txt
tail -n 2 f.txt
count=$(grep -c a f.txt)
echo "count=$count"
cat <<END
here-doc $count $((count * 3))
END
ls nonexistent-file 2>/dev/null || echo "ls failed as expected"
{ echo out; echo err >&2; } 2>&1 | sort
exec 3>fd3.txt
echo "through fd 3" >&3
exec 3>&-
cat fd3.txt
