# cp, mv, rm, mkdir, ln, find, xargs, test, globbing.
mkdir -p a/b/c
echo content > a/b/c/file1
cp a/b/c/file1 a/file2
mv a/file2 a/file3
ln -s b/c/file1 a/link
ln a/file3 a/hard
cat a/link
ls a | sort
find a -type f | sort
find a -name 'file*' | xargs cat
for f in a/*; do test -L "$f" && echo "symlink: $f"; done
test -d a/b && echo "a/b is a directory"
test -e a/missing || echo "a/missing does not exist"
[ "$(cat a/hard)" = content ] && echo "hard link shares content"
rm a/file3
cat a/hard
rm -r a/b
ls a | sort
echo *.none 2>/dev/null
set -- x y z
echo "$# args: $*"
