// Command gen60k writes a synthetic rpm-md repository of N packages (default
// 60,000) for the resolve benchmark: go run ./bench/gen60k DIR [N].
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/disco-build/disco/stages/repo/repotest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gen60k DIR [N]")
		os.Exit(2)
	}
	n := 60000
	if len(os.Args) > 2 {
		v, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen60k:", err)
			os.Exit(2)
		}
		n = v
	}
	if err := repotest.WriteRepo(os.Args[1], repotest.Spec{Packages: n, Seed: 1}); err != nil {
		fmt.Fprintln(os.Stderr, "gen60k:", err)
		os.Exit(1)
	}
}
