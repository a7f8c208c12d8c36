package main

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// memoryText says where the controller's memory is: its resident set (Go and C
// together), the Go heap in use and what the Go runtime holds from the OS.
func memoryText() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return "RSS " + mb(rssBytes()) + ", Go heap in use " + mb(m.HeapInuse) + ", Go runtime from the OS " + mb(m.Sys) +
		", " + strconv.Itoa(runtime.NumGoroutine()) + " goroutines"
}

func mb[T int64 | uint64](n T) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 0, 64) + " MB"
}

// rssBytes reads the resident set size from /proc/self/statm; 0 when it cannot.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// reportStats prints the memory and the status writer's counts every interval while
// anything changed since the last report.
func (c *controller) reportStats(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	last := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s := "stats: " + strconv.Itoa(int(c.resolutions.Load())) + " resolutions, " +
			strconv.FormatInt(c.writer.written.Load(), 10) + " statuses written, " +
			strconv.Itoa(c.writer.pending()) + " pending; "
		if s != last {
			c.log.Print(s + memoryText())
			last = s
		}
	}
}
