# Named pipes (mkfifo): a writer and a reader meet at open, data flows, the
# reader sees end of file when the writer closes.
mkfifo fifo
ls -l fifo | cut -c1
(echo "through the fifo"; echo "second line") > fifo &
cat fifo
wait
seq 1 5 > fifo &
wc -l < fifo
wait
# Both ends from one shell: exec opens read-write without waiting.
exec 3<> fifo
echo "kept in the pipe" >&3
read -r line <&3
echo "read back: $line"
exec 3>&-
rm fifo
test -e fifo || echo "fifo removed"
