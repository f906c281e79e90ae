# sed, awk, sort, uniq, wc, head, tail.
printf '3 cherry\n1 apple\n2 banana\n1 apple\n' > fruit
sort -n fruit | uniq
sort -n fruit | uniq -c | sed 's/^ *//'
awk '{ s += $1 } END { print "sum", s }' fruit
awk -F' ' '$1 > 1 { print toupper($2) }' fruit
sed -n '2p' fruit
sed 's/a/A/g' fruit | head -n 2
wc -w < fruit
sort -k2 fruit | tail -n 1
seq 1 10 | awk 'NR % 3 == 0'
printf 'x\ny\n' | sed '1i header'
echo "a,b,c" | awk -F, '{ print $3 $2 $1 }'
