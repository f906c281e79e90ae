# Background jobs, wait, kill, sleep, exit statuses, subshells.
sleep 0.2 &
p1=$!
(sleep 0.1; echo "from the background") &
wait
echo "waited for all"
# In a subshell whose stderr goes nowhere: whether a shell also reports
# "Terminated" depends on whether it reaped the job before `wait` ran.
(
	sleep 10 &
	p2=$!
	kill $p2
	wait $p2
	echo "killed job status $?"
) 2> /dev/null
(exit 7)
echo "subshell status $?"
false || echo "false failed"
true && echo "true succeeded"
sh -c 'exit 3'
echo "sh -c status $?"
(for i in 1 2 3; do echo "job $i" & done; wait) | sort
echo done
