// gocheck: a static Go program (the Go runtime, not our libc) checking what
// the runtime leans on: threads and futexes for goroutines, signals that
// preempt a goroutine spinning in a loop (SIGURG by tgkill), timers, the
// vDSO clock, a child run and waited for from another thread (os/exec),
// files, and the garbage collector stopping every thread. One PASS or FAIL
// line per check, as vitro-selftest prints them; exit status 1 on a failure.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

var failed bool

func check(name string, ok bool, why string) {
	if ok {
		fmt.Printf("PASS go/%s\n", name)
		return
	}
	failed = true
	fmt.Printf("FAIL go/%s: %s\n", name, why)
}

func goroutinesSumInParallel() {
	var wg sync.WaitGroup
	results := make([]int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := 0
			for j := 0; j < 200000; j++ {
				s += j % (i + 1)
			}
			results[i] = s
		}(i)
	}
	wg.Wait()
	check("goroutines-sum-in-parallel", results[7] == 700000,
		fmt.Sprintf("goroutine 7 summed %d, want 700000", results[7]))
}

func spinningGoroutinesArePreempted() {
	var stop int32
	var n int64
	for i := 0; i < 2*runtime.NumCPU(); i++ {
		go func() {
			for atomic.LoadInt32(&stop) == 0 {
				n++ // no calls: only an asynchronous preemption stops it
			}
		}()
	}
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	runtime.GC() // stops the world: every spinner must be preempted
	atomic.StoreInt32(&stop, 1)
	elapsed := time.Since(start)
	check("spinning-goroutines-are-preempted", elapsed < 20*time.Second,
		fmt.Sprintf("sleep and GC took %v", elapsed))
}

func timersAndChannels() {
	ch := make(chan int)
	go func() { time.Sleep(20 * time.Millisecond); ch <- 42 }()
	select {
	case v := <-ch:
		check("timers-and-channels", v == 42, fmt.Sprintf("got %d", v))
	case <-time.After(20 * time.Second):
		check("timers-and-channels", false, "the channel never delivered")
	}
	start := time.Now()
	time.Sleep(30 * time.Millisecond)
	d := time.Since(start)
	check("sleep-lasts-at-least-its-time", d >= 30*time.Millisecond, fmt.Sprintf("slept %v", d))
}

func childRunAndWaited() {
	out, err := exec.Command("/bin/echo", "from", "child").Output()
	check("exec-command-output", err == nil && string(out) == "from child\n",
		fmt.Sprintf("output %q, error %v", out, err))
	err = exec.Command("/bin/sh", "-c", "exit 3").Run()
	code := -1
	if e, ok := err.(*exec.ExitError); ok {
		code = e.ExitCode()
	}
	check("exec-command-exit-status", code == 3, fmt.Sprintf("status %d, error %v", code, err))
}

func filesRoundTrip() {
	f, err := os.CreateTemp("", "gocheck")
	if err != nil {
		check("files-round-trip", false, err.Error())
		return
	}
	f.WriteString("hello")
	f.Close()
	b, err := os.ReadFile(f.Name())
	os.Remove(f.Name())
	check("files-round-trip", err == nil && string(b) == "hello", fmt.Sprintf("%q %v", b, err))
	ents, err := os.ReadDir("/proc/self/fd")
	check("proc-self-fd-lists", err == nil && len(ents) >= 3, fmt.Sprintf("%d entries, %v", len(ents), err))
}

func garbageCollects() {
	var keep [][]byte
	for i := 0; i < 400; i++ {
		keep = append(keep, make([]byte, 1<<16))
		if len(keep) > 16 {
			keep = keep[1:]
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	check("garbage-collects", ms.NumGC > 0 && len(keep) == 16, fmt.Sprintf("%d collections", ms.NumGC))
}

func main() {
	goroutinesSumInParallel()
	spinningGoroutinesArePreempted()
	timersAndChannels()
	childRunAndWaited()
	filesRoundTrip()
	garbageCollects()
	if failed {
		os.Exit(1)
	}
}
