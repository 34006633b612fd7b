// Command mapload requests a list of URLs, one after another (-c 1) or from
// several clients at once, and prints latency percentiles, throughput and
// the count of answers that were not 200. Used by bench/maps.sh.
//
// Usage: go run ./bench/mapload -c 32 URLFILE
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"
)

func main() {
	clients := flag.Int("c", 1, "concurrent clients")
	timeout := flag.Duration("timeout", 60*time.Second, "per request")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: mapload [-c N] URLFILE")
		os.Exit(2)
	}
	urls, err := readLines(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	client := &http.Client{Timeout: *timeout, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	lat := make([]time.Duration, len(urls))
	bad := make([]string, 0)
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				resp, err := client.Get(urls[i])
				status := 0
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status = resp.StatusCode
				}
				lat[i] = time.Since(t0)
				if err != nil || status != 200 {
					mu.Lock()
					bad = append(bad, fmt.Sprintf("%s: %d %v", urls[i], status, err))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range urls {
		next <- i
	}
	close(next)
	wg.Wait()
	wall := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("%d requests, %d clients: %.2f s wall, %.1f/s (%.1f/s answered 200), p50 %s p90 %s p99 %s, %d not 200\n",
		len(urls), *clients, wall.Seconds(), float64(len(urls))/wall.Seconds(), float64(len(urls)-len(bad))/wall.Seconds(),
		ms(pct(lat, 50)), ms(pct(lat, 90)), ms(pct(lat, 99)), len(bad))
	for i, b := range bad {
		if i == 5 {
			break
		}
		fmt.Println("  ", b)
	}
}

func pct(s []time.Duration, p int) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%d ms", d.Milliseconds()) }

func readLines(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := sc.Text(); t != "" {
			out = append(out, t)
		}
	}
	return out, sc.Err()
}
