package difftest

import (
	"flag"
	"os"
	"strconv"
	"time"
)

var longFlag = flag.Bool("long", false, "run many more differential steps (also RUNNEL_DIFF_LONG=1)")

// config is how much a run does. The default fits in about half a minute on two cores; -long is for
// soaking a change overnight.
type config struct {
	seed         uint64
	steps        int
	budget       time.Duration // stop early, still green, when the steps take longer than this
	restartEvery int
	midwayAt     []int // steps at which views are created while DML runs
	cacheSize    int64
}

func loadConfig() config {
	c := config{seed: uint64(time.Now().UnixNano()), steps: 3000, budget: 30 * time.Second, restartEvery: 250}
	if *longFlag || os.Getenv("RUNNEL_DIFF_LONG") == "1" {
		c.steps, c.budget = 100000, 30*time.Minute
	}
	if s, err := strconv.ParseUint(os.Getenv("RUNNEL_DIFF_SEED"), 10, 64); err == nil {
		c.seed = s
	}
	if n, err := strconv.Atoi(os.Getenv("RUNNEL_DIFF_STEPS")); err == nil && n > 0 {
		c.steps = n
	}
	// Every other seed runs with caches so small that operator state keeps leaving memory.
	c.cacheSize = 32 << 20
	if c.seed%2 == 0 || os.Getenv("RUNNEL_DIFF_TINY_CACHE") == "1" {
		c.cacheSize = 64 << 10
	}
	c.midwayAt = []int{c.steps / 10, c.steps / 3, 2 * c.steps / 3}
	return c
}
